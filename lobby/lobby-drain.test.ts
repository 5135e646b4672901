import { describe, expect, it } from 'vitest';
import type { ServerInfo } from '../engine/cluster/discovery.js';
import type { Entity } from '../engine/ecs/entity.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { ManualClock } from '../engine/timer/clock.js';
import { compareVersions, drainTargets, emptyLobby, RETRY_MS, type EmptyLobbyOptions } from './lobby-drain.js';
import { PlayerEntity } from './player-entity.js';

function server(id: string, version = '1.2.0', extra: Partial<ServerInfo> = {}): ServerInfo {
  return { id, type: 'lobby', address: `${id}:7000`, version, startedAt: 0, load: { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 }, meta: {}, ...extra };
}

// Stand-ins with only what an evacuation reads: an id, and a session for a player.
function fake(id: string, player: boolean): Entity {
  const entity = Object.create(player ? PlayerEntity.prototype : Object.prototype) as Entity;
  Object.defineProperty(entity, 'id', { value: id });
  if (player) Object.defineProperty(entity, 'session', { value: { gateId: 'gate-1', sessionId: `s-${id}` }, writable: true });
  return entity;
}

/** A lobby holding `players` and `others`; `refuse` lists entities whose move fails, `ignore` players whose gate never moves them. */
function lobby(players: string[], others: string[], options: { refuse?: string[]; ignore?: string[]; servers?: ServerInfo[] } = {}) {
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const here = new Map<string, Entity>([...players.map((id) => [id, fake(id, true)] as const), ...others.map((id) => [id, fake(id, false)] as const)]);
  const moves: string[] = [];
  const list = (): Entity[] => [...here.values()];
  const self = server('lobby-1');
  const servers = options.servers ?? [self, server('lobby-2'), server('lobby-3')];
  const drain: EmptyLobbyOptions = {
    source: {
      home: { list },
      all: { list },
      migration: {
        migrate: async (entity, target) => {
          moves.push(`${entity.id}>${target}`);
          if (options.refuse?.includes(entity.id)) throw new Error('refused');
          // A gate answers a player's move at once and moves it a little later: the session is
          // detached first, the avatar leaves once saved and taken by the target.
          if (entity instanceof PlayerEntity) {
            if (options.ignore?.includes(entity.id)) return;
            clock.setTimer(() => ((entity as { session: unknown }).session = undefined), 10);
            clock.setTimer(() => here.delete(entity.id), 2_000);
          } else here.delete(entity.id);
        },
      },
    },
    discovery: { self, servers: () => servers },
    clock,
    logger,
    timeoutMs: 30_000,
  };
  return { drain, clock, logger, moves, here };
}

async function run(clock: ManualClock, drained: Promise<unknown>): Promise<void> {
  let done = false;
  void drained.finally(() => (done = true));
  while (!done) {
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(50);
  }
}

describe('versions', () => {
  it('compares by semantic-version precedence: numeric parts as numbers, a pre-release before its release', () => {
    expect(compareVersions('1.10.0', '1.9.9')).toBeGreaterThan(0);
    expect(compareVersions('1.2.0', '1.2.0')).toBe(0);
    expect(compareVersions('1.2', '1.2.1')).toBeLessThan(0);
    expect(compareVersions('1.2.0-beta', '1.2.0-alpha')).toBeGreaterThan(0);
    // A pre-release comes before its release; build metadata plays no part.
    expect(compareVersions('1.4.0-rc.1', '1.4.0')).toBeLessThan(0);
    expect(compareVersions('1.4.0', '1.4.0-rc.1')).toBeGreaterThan(0);
    expect(compareVersions('1.4.0-rc.2', '1.4.0-rc.10')).toBeLessThan(0);
    expect(compareVersions('1.4.0-rc.1', '1.4.0-rc.1.1')).toBeLessThan(0);
    expect(compareVersions('1.4.0+b10', '1.4.0+b2')).toBe(0);
  });

  it('moves to other lobbies that are not draining and run the same version or a newer one', () => {
    const self = server('lobby-1', '1.2.0');
    const servers = [self, server('lobby-2', '1.2.0'), server('lobby-3', '1.3.0'), server('lobby-4', '1.1.9'), server('lobby-5', '2.0.0', { draining: true }), server('gate-1', '1.2.0', { type: 'gate' })];
    expect(drainTargets(self, servers).map((s) => s.id)).toEqual(['lobby-2', 'lobby-3']);
  });
});

describe('emptying a lobby', () => {
  it("moves every player and entity over the targets in turn and waits until no player's avatar is left, bound or on its way", async () => {
    const { drain, clock, moves, here, logger } = lobby(['p1', 'p2'], ['npc']);
    const report = emptyLobby(drain);
    await run(clock, report);
    expect(clock.now()).toBeGreaterThanOrEqual(2_000);
    expect(await report).toEqual({ players: 2, moved: 1, left: 0, failed: [] });
    expect(moves).toEqual(['p1>lobby-2', 'p2>lobby-3', 'npc>lobby-2']);
    expect(here.size).toBe(0);
    expect(logger.at('info').map((l) => l.message)).toContain('lobby: drained by migration');
  });

  it('moves a player who binds during the drain, and asks again for one still here after a while, until the deadline', async () => {
    const { drain, clock, moves, here } = lobby(['p1'], [], { ignore: ['p1'] });
    const report = emptyLobby(drain);
    await new Promise((resolve) => setImmediate(resolve));
    here.set('late', fake('late', true));
    await run(clock, report);
    expect(await report).toMatchObject({ left: 1, failed: [] });
    const asks = moves.filter((m) => m.startsWith('p1>')).length;
    // At the start, every RETRY_MS after, and at the deadline's pass.
    expect(asks).toBe(drain.timeoutMs / RETRY_MS + 1);
    expect(moves.filter((m) => m.startsWith('late>'))).toHaveLength(1);
    expect(clock.now()).toBeGreaterThanOrEqual(drain.timeoutMs);
  });

  it('reports an entity whose move fails once and leaves it to the rest of the drain', async () => {
    const { drain, clock, moves } = lobby([], ['npc', 'stuck'], { refuse: ['stuck'] });
    const report = emptyLobby(drain);
    await run(clock, report);
    expect(await report).toEqual({ players: 0, moved: 1, left: 0, failed: ['stuck: Error: refused'] });
    expect(moves.filter((m) => m.startsWith('stuck>'))).toHaveLength(1);
  });

  it('asks again for a player whose gate failed the ask, reporting each failure', async () => {
    const { drain, clock, moves } = lobby(['p1'], [], { refuse: ['p1'] });
    const report = emptyLobby(drain);
    await run(clock, report);
    const asks = drain.timeoutMs / RETRY_MS + 1;
    expect(moves).toHaveLength(asks);
    expect(await report).toEqual({ players: 0, moved: 0, left: 1, failed: Array.from({ length: asks }, () => 'p1: Error: refused') });
  });

  it('drains in place when no lobby can take what it holds, warning when the others are all draining or older', async () => {
    const alone = lobby(['p1'], [], { servers: [server('lobby-1')] });
    expect(await emptyLobby(alone.drain)).toEqual({ players: 0, moved: 0, left: 1, failed: [] });
    expect(alone.logger.at('info').map((l) => l.message)).toContain('lobby: no lobby to move players to; draining in place');
    const older = lobby(['p1'], [], { servers: [server('lobby-1'), server('lobby-2', '1.0.0'), server('lobby-3', '9.0.0', { draining: true })] });
    expect(await emptyLobby(older.drain)).toMatchObject({ left: 1 });
    expect(older.logger.at('warn').map((l) => l.message)).toContain('lobby: no lobby to move players to; draining in place');
    expect(older.moves).toEqual([]);
  });
});
