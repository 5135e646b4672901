/**
 * The lobby's part of the admin service on a real LobbyModule (LMDB store, loopback RPC, a
 * manual game clock): its counts and tick figures, an account's avatar, a live entity's state and
 * the reload.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryCluster, MemoryDiscovery } from '../engine/cluster/memory-discovery.js';
import { Component } from '../engine/ecs/component.js';
import { openLmdbStore, type LmdbStore } from '../engine/persist/lmdb-store.js';
import { startTestNodes, type TestNodes } from '../engine/rpc/fixtures/test-nodes.js';
import { LOBBY_SESSIONS_SERVICE, type LobbySessions } from '../engine/session/session-contract.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { ManualClock } from '../engine/timer/clock.js';
import { defineGame } from './define-game.js';
import { lobbyAdmin } from './lobby-admin.js';
import { LobbyModule } from './lobby-module.js';
import { PlayerEntity } from './player-entity.js';

class Purse extends Component {
  static override persist = ['coins'];
  coins = 4;
  scratch = 'not persisted';
}

class Walker extends PlayerEntity {
  static override components = [Purse];
}

describe('lobbyAdmin', () => {
  let dir: string;
  let store: LmdbStore;
  let nodes: TestNodes;
  let discovery: MemoryDiscovery;
  let lobby: LobbyModule;
  const clock = new ManualClock();

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lobby-admin-'));
    const logger = new MemoryLogger();
    store = openLmdbStore({ path: dir, clock });
    nodes = await startTestNodes(['gate-a', 'lobby-1']);
    const rpc = nodes.nodes[1]!;
    discovery = new MemoryDiscovery({ cluster: new MemoryCluster({ clock }), clock, logger });
    await discovery.start();
    await discovery.register({ id: 'lobby-1', type: 'lobby', address: rpc.address, version: '0', startedAt: 0, load: { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 } });
    lobby = new LobbyModule({ game: defineGame({ name: 'walk', entities: { Walker }, player: Walker }), rpc, discovery, gateType: 'gate', store: () => store, clock, logger, tickHz: 20 });
    await lobby.start();
    await nodes.nodes[0]!.service<LobbySessions>('lobby-1', LOBBY_SESSIONS_SERVICE).bind({ sessionId: 's1', uid: 'u1', gateId: 'gate-a' }, false);
  });

  afterEach(async () => {
    await lobby.stop();
    await discovery.stop();
    await nodes.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('counts sessions and entities and reports the tick figures', () => {
    const admin = lobbyAdmin(lobby);
    clock.advance(200);
    expect([admin.sessionCount, admin.entityCount]).toEqual([1, 1]);
    expect(admin.tick()).toEqual({ steps: expect.any(Number), mean: expect.any(Number), max: expect.any(Number), p99: expect.any(Number), overruns: expect.any(Number) });
  });

  it("finds an account's avatar (in the lobby's own world: no space) and a live entity's persistent fields", () => {
    const admin = lobbyAdmin(lobby);
    expect(admin.where('u1')).toEqual({ entity: 'avatar-u1' });
    expect(admin.where('u2')).toBeUndefined();
    expect(admin.entity('avatar-u1')).toEqual({ type: 'Walker', state: { Purse: { coins: 4 } } });
    expect(admin.entity('nobody')).toBeUndefined();
  });

  it('reloads through the lobby, which answers a refusal for a game it was not given a module of', async () => {
    expect(await lobbyAdmin(lobby).reload!()).toMatchObject({ ok: false, generation: 0, refused: [expect.stringMatching(/not the module/)] });
  });
});
