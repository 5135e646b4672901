import { describe, expect, it } from 'vitest';
import { ClusterPush } from '../engine/hub/cluster-push.js';
import { RecordingRpc } from '../engine/hub/fixtures/recording-rpc.js';
import { MemoryGroups } from '../engine/hub/memory-groups.js';
import { MemoryOnlineIndex } from '../engine/hub/online-index.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { ManualClock } from '../engine/timer/clock.js';
import { leaveGroupsWhenOffline } from './offline-leaves-groups.js';
import { Session } from './session.js';
import { SessionEventSource } from './session-event-source.js';

function setup() {
  const logger = new MemoryLogger();
  const source = new SessionEventSource(logger);
  const groups = new MemoryGroups(new ClusterPush({ online: new MemoryOnlineIndex(), rpc: new RecordingRpc(), logger }));
  const stop = leaveGroupsWhenOffline(source, groups, new ManualClock(0), logger);
  return { logger, source, groups, stop };
}

// The leave runs after the event, asynchronously: one turn of the event loop settles it.
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('leaveGroupsWhenOffline', () => {
  it('takes an account whose session closed out of its groups, but not out of those that keep offline members', async () => {
    const { source, groups } = setup();
    await groups.configure('guild:mail', { keepOffline: true });
    await groups.join('guild:42', ['ann', 'bob']);
    await groups.join('guild:mail', ['ann']);
    source.emit('close', new Session('s-ann', 'ann'), 'lobby-0', 'left');
    await settle();
    expect(await groups.members('guild:42')).toEqual(['bob']);
    expect(await groups.members('guild:mail')).toEqual(['ann']);
  });

  it('leaves the groups alone on a bind or a rebind (a move, or a resume on another gate), and once stopped', async () => {
    const { source, groups, stop } = setup();
    await groups.join('guild:42', ['ann']);
    source.emit('bind', new Session('s-ann', 'ann'), 'lobby-0');
    source.emit('rebind', new Session('s-ann', 'ann'), 'lobby-1');
    stop();
    source.emit('close', new Session('s-ann', 'ann'), 'lobby-1', 'left');
    await settle();
    expect(await groups.members('guild:42')).toEqual(['ann']);
  });

  it('logs a leave that failed, once a minute, and the session events go on', async () => {
    const logger = new MemoryLogger();
    const source = new SessionEventSource(logger);
    const failing = { wentOffline: async (): Promise<string[]> => Promise.reject(new Error('HUB_ERR_GROUP_UNAVAILABLE: Redis is reconnecting')) };
    leaveGroupsWhenOffline(source, failing, new ManualClock(0), logger);
    const heard: string[] = [];
    source.on((event) => heard.push(event.uid));
    source.emit('close', new Session('s-ann', 'ann'), 'lobby-0', 'left');
    source.emit('close', new Session('s-bob', 'bob'), 'lobby-0', 'left');
    await settle();
    expect(heard).toEqual(['ann', 'bob']);
    const lines = logger.lines.filter((line) => line.message === 'gate: an account that went offline could not leave its groups');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.meta).toMatchObject({ uid: 'ann', reason: 'leave' });
  });
});
