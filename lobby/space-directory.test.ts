import { describe, expect, it } from 'vitest';
import { MemoryCluster, MemoryDiscovery } from '../engine/cluster/memory-discovery.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { ManualClock } from '../engine/timer/clock.js';
import { SpaceDirectory, spaceName } from './space-directory.js';

const load = { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 };

async function lobbies(...ids: string[]) {
  const clock = new ManualClock();
  const cluster = new MemoryCluster({ clock });
  const logger = new MemoryLogger();
  const members = new Map<string, { discovery: MemoryDiscovery; directory: SpaceDirectory }>();
  for (const id of ids) {
    const discovery = new MemoryDiscovery({ cluster, clock, logger });
    await discovery.start();
    await discovery.register({ id, type: 'lobby', address: '127.0.0.1:1', version: '1', startedAt: 0, load });
    members.set(id, { discovery, directory: new SpaceDirectory({ discovery, serverId: () => id, logger }) });
  }
  return { members, logger, stop: () => Promise.all([...members.values()].map((m) => m.discovery.stop())) };
}

describe('SpaceDirectory', () => {
  it("registers a space under space:<id> with the lobby's mailbox, so that every lobby finds where it is, until it is released", async () => {
    const { members, stop } = await lobbies('lobby-1', 'lobby-2');
    const one = members.get('lobby-1')!;
    const two = members.get('lobby-2')!;
    expect(await one.directory.claim({ id: 'field@lobby-1' })).toBe(true);
    expect(two.discovery.resolveName(spaceName('field@lobby-1'))).toEqual({ serverId: 'lobby-1', entityId: 'field@lobby-1' });
    expect(two.directory.lobbyOf('field@lobby-1')).toBe('lobby-1');
    await one.directory.release({ id: 'field@lobby-1' });
    expect(two.directory.lobbyOf('field@lobby-1')).toBeUndefined();
    await stop();
  });

  it('refuses an id a live space of another lobby holds', async () => {
    const { members, stop } = await lobbies('lobby-1', 'lobby-2');
    expect(await members.get('lobby-1')!.directory.claim({ id: 'match-7' })).toBe(true);
    expect(await members.get('lobby-2')!.directory.claim({ id: 'match-7' })).toBe(false);
    expect(members.get('lobby-2')!.directory.lobbyOf('match-7')).toBe('lobby-1');
    await stop();
  });

  it("forgets the spaces of a lobby that left", async () => {
    const { members, stop } = await lobbies('lobby-1', 'lobby-2');
    await members.get('lobby-1')!.directory.claim({ id: 'dungeon-3' });
    await members.get('lobby-1')!.discovery.stop();
    expect(members.get('lobby-2')!.directory.lobbyOf('dungeon-3')).toBeUndefined();
    await stop();
  });

  it('logs a release that discovery refuses instead of throwing', async () => {
    const logger = new MemoryLogger();
    const directory = new SpaceDirectory({
      discovery: { claimName: async () => true, resolveName: () => undefined, releaseName: async () => Promise.reject(new Error('etcd unreachable')) },
      serverId: () => 'lobby-1',
      logger,
    });
    await directory.release({ id: 'field@lobby-1' });
    expect(logger.at('warn').map((l) => [l.message, l.meta.spaceId])).toEqual([['lobby: could not give a space name back', 'field@lobby-1']]);
  });
});
