import { afterEach, describe, expect, it } from 'vitest';
import { MemoryCluster, MemoryDiscovery } from '../engine/cluster/memory-discovery.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { ManualClock } from '../engine/timer/clock.js';
import { TimerService } from '../engine/timer/timer-service.js';
import { MemoryOnlineIndex, type OnlineRecord } from '../engine/hub/online-index.js';
import { OnlineUpkeep } from './online-upkeep.js';

const TTL_MS = 30_000;
const load = { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 };
// Lets queued promise callbacks and discovery events run.
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('OnlineUpkeep', () => {
  const clock = new ManualClock();
  const cluster = new MemoryCluster({ clock });
  const timers = new TimerService({ clock, logger: new MemoryLogger() });
  const running: { stop(): unknown }[] = [];

  afterEach(async () => {
    for (const r of running.splice(0)) await r.stop();
  });

  async function gate(id: string, index: MemoryOnlineIndex, records: OnlineRecord[] = []) {
    const discovery = new MemoryDiscovery({ cluster, clock, logger: new MemoryLogger() });
    await discovery.start();
    await discovery.register({ id, type: 'gate', address: `${id}:1`, version: '1', startedAt: 0, load });
    const logger = new MemoryLogger();
    const takenOver: OnlineRecord[] = [];
    const upkeep = new OnlineUpkeep({ index, discovery, timers, logger, ttlMs: TTL_MS, records: () => [...records], takenOver: (r) => takenOver.push(...r) });
    upkeep.start();
    running.push(upkeep, discovery);
    return { discovery, upkeep, logger, takenOver };
  }

  it('refreshes every third of the time to live, writes back a missing entry and ends sessions another login took', async () => {
    const index = new MemoryOnlineIndex();
    const mine = [
      { uid: 'u1', gateId: 'gate-1', sessionId: 's1' },
      { uid: 'u2', gateId: 'gate-1', sessionId: 's2' },
    ];
    await index.claim('u2', { gateId: 'gate-1', sessionId: 's2' });
    await index.claim('u2', { gateId: 'gate-9', sessionId: 's9' });
    const { takenOver } = await gate('gate-1', index, mine);

    clock.advance(TTL_MS / 3 - 1);
    await settle();
    expect(takenOver).toEqual([]);
    expect(await index.lookup('u1')).toBeUndefined();

    clock.advance(1);
    await settle();
    expect(takenOver).toEqual([mine[1]]);
    expect(await index.lookup('u1')).toEqual({ gateId: 'gate-1', sessionId: 's1' });
  });

  it('releases again the entry of a session that ended while a refresh was writing it back', async () => {
    const index = new MemoryOnlineIndex();
    const records = [{ uid: 'u1', gateId: 'gate-1', sessionId: 's1' }];
    // The session ends (and releases its entry) while the refresh is on its way to the index.
    const slow = Object.assign(Object.create(index) as MemoryOnlineIndex, {
      refresh: async (batch: readonly OnlineRecord[]) => {
        const sent = [...batch];
        records.length = 0;
        await index.release('u1', 's1');
        return index.refresh(sent);
      },
    });
    await gate('gate-1', slow, records);
    clock.advance(TTL_MS / 3);
    for (let i = 0; i < 5; i++) await settle();
    expect(await index.lookup('u1')).toBeUndefined();
  });

  it('logs a failed refresh and tries again at the next tick', async () => {
    const index = new MemoryOnlineIndex();
    let fail = true;
    const flaky = Object.assign(Object.create(index) as MemoryOnlineIndex, {
      refresh: (records: readonly OnlineRecord[]) => (fail ? Promise.reject(new Error('redis down')) : index.refresh(records)),
    });
    const discovery = new MemoryDiscovery({ cluster, clock, logger: new MemoryLogger() });
    await discovery.start();
    const logger = new MemoryLogger();
    const upkeep = new OnlineUpkeep({ index: flaky, discovery, timers, logger, ttlMs: TTL_MS, records: () => [{ uid: 'u5', gateId: 'gate-5', sessionId: 's5' }], takenOver: () => undefined });
    upkeep.start();
    running.push(upkeep, discovery);
    clock.advance(TTL_MS / 3);
    await settle();
    expect(logger.at('warn').map((l) => l.message)).toEqual(['gate: online index refresh failed; the next one retries']);
    fail = false;
    clock.advance(TTL_MS / 3);
    await settle();
    expect(await index.lookup('u5')).toEqual({ gateId: 'gate-5', sessionId: 's5' });
  });

  it('has the lowest-id surviving gate, and only it, remove the entries of a gate that left', async () => {
    const index = new MemoryOnlineIndex();
    const first = await gate('gate-a1', index);
    const second = await gate('gate-a2', index);
    const leaving = await gate('gate-a3', index);
    await index.claim('u1', { gateId: 'gate-a3', sessionId: 's1' });
    await index.claim('u2', { gateId: 'gate-a2', sessionId: 's2' });
    const info = leaving.discovery.self!;

    leaving.upkeep.stop();
    await leaving.discovery.stop();
    await expect.poll(() => index.lookup('u1')).toBeUndefined();
    expect(await index.lookup('u2')).toEqual({ gateId: 'gate-a2', sessionId: 's2' });
    expect(first.logger.at('info')).toEqual([expect.objectContaining({ message: 'gate: online entries of a departed gate removed', meta: { gate: 'gate-a3', removed: 1 } })]);
    expect(second.logger.at('info')).toEqual([]);

    // The others never remove, and a gate never removes its own entries.
    await index.claim('u3', { gateId: 'gate-a3', sessionId: 's3' });
    expect(await second.upkeep.gateLeft(info)).toBe(0);
    expect(await first.upkeep.gateLeft(first.discovery.self!)).toBe(0);
    expect(await index.lookup('u3')).toBeDefined();
  });
});
