/**
 * Live entity migration between three lobbies in one process (real RPC nodes on loopback, one
 * in-memory discovery cluster, one LMDB store they share, gate `gate-a` recording what lobbies
 * ask of it): an entity moves with its state and names, calls to its old mailbox follow it,
 * calls made during its moves all succeed, and a move that fails leaves it where it was.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RpcError, RemoteError } from '../engine/rpc/errors.js';
import { encode } from '../engine/codec/msgpack-codec.js';
import { MIGRATION_SERVICE } from './entity-migration.js';
import { startModuleCluster, type ModuleCluster, type ModuleLobby } from './fixtures/module-cluster.js';
import migrationGame, { Ledger, Steps, Tally, Traveller, type StreamService } from './fixtures/games/migration-game.js';
import { MigrationError } from './migration-errors.js';

const LOBBIES = ['lobby-1', 'lobby-2', 'lobby-3'] as const;
type LobbyId = (typeof LOBBIES)[number];
type Lobby = ModuleLobby;
type Cluster = ModuleCluster<LobbyId>;

let running: Cluster | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function startCluster(): Promise<Cluster> {
  running = await startModuleCluster(LOBBIES, { game: migrationGame });
  return running;
}

const game = (lobby: Lobby) => lobby.module.game!;
const rejection = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => 'resolved', (err: unknown) => err);

const sessions = (cluster: Cluster, lobby: LobbyId) => cluster.lobbies[lobby].sessions;

describe('moving a player between lobbies', () => {
  it('moves the avatar with its session after the requests already there: no onOffline, onRebound on the target, which tells the client its space', async () => {
    const cluster = await startCluster();
    const { lobbies, gate } = cluster;
    Traveller.hooks.length = 0;
    await sessions(cluster, 'lobby-1').bind({ sessionId: 's1', uid: 'u1', gateId: 'gate-a' }, false);
    const avatar = lobbies['lobby-1'].module.avatarOf('u1')!;
    const old = avatar.mailbox;
    const before = sessions(cluster, 'lobby-1').request('s1', 'Steps.step', encode([]));
    const room = await game(lobbies['lobby-2']).spaces.create('room', { here: true });
    expect(await sessions(cluster, 'lobby-1').migrate('s1', 'lobby-2', room.id, 5_000)).toBe('lobby-2');
    expect(await before).toBeDefined();
    expect(lobbies['lobby-1'].module.avatarOf('u1')).toBeUndefined();
    const moved = lobbies['lobby-2'].module.avatarOf('u1')!;
    expect(moved.get(Steps).count).toBe(1);
    expect(moved.space?.id).toBe(room.id);
    expect(moved.session?.sessionId).toBe('s1');
    expect(Traveller.hooks).toEqual(['onOnline lobby-1', 'onRebound lobby-2']);
    await expect.poll(() => gate.pushes.filter((p) => p.route === 'sys.space').map((p) => p.body)).toEqual([{ spaceId: room.id, type: 'room', lobbyId: 'lobby-2' }]);
    // Requests now go to the new lobby; the old one no longer knows the session.
    await expect(sessions(cluster, 'lobby-1').request('s1', 'Steps.step', encode([]))).rejects.toMatchObject({ code: 'LOBBY_ERR_UNKNOWN_SESSION' });
    await sessions(cluster, 'lobby-2').request('s1', 'Steps.step', encode([]));
    // Server calls to the avatar's old mailbox follow it (and reach it: Steps.step is for clients only).
    expect(await cluster.caller.callEntity(old, 'Steps', 'step', []).catch((err: { code: string }) => err.code)).toBe('RPC_ERR_NOT_CALLABLE');
  });

  it('keeps the player where it was when the target refuses it (a space it does not host)', async () => {
    const cluster = await startCluster();
    const { lobbies } = cluster;
    await sessions(cluster, 'lobby-1').bind({ sessionId: 's2', uid: 'u2', gateId: 'gate-a' }, false);
    expect(await sessions(cluster, 'lobby-1').migrate('s2', 'lobby-2', 'no-such-room', 5_000)).toBe('lobby-1');
    expect(lobbies['lobby-1'].module.avatarOf('u2')?.session?.sessionId).toBe('s2');
    await sessions(cluster, 'lobby-1').request('s2', 'Steps.step', encode([]));
    await expect(sessions(cluster, 'lobby-1').migrate('nobody', 'lobby-2', '', 5_000)).rejects.toMatchObject({ code: 'LOBBY_ERR_UNKNOWN_SESSION' });
  });

  it('moves a player into a space of its own lobby without a hand-over: the same avatar, bound again there', async () => {
    const cluster = await startCluster();
    const one = cluster.lobbies['lobby-1'];
    await sessions(cluster, 'lobby-1').bind({ sessionId: 's4', uid: 'u4', gateId: 'gate-a' }, false);
    const avatar = one.module.avatarOf('u4')!;
    const room = await game(one).spaces.create('room', { here: true });
    expect(await sessions(cluster, 'lobby-1').migrate('s4', 'lobby-1', room.id, 5_000)).toBe('lobby-1');
    expect(one.module.avatarOf('u4')).toBe(avatar);
    expect(avatar.space?.id).toBe(room.id);
    await expect(sessions(cluster, 'lobby-1').migrate('s4', 'lobby-1', 'no-such-room', 5_000)).rejects.toMatchObject({ code: 'SPACE_ERR_NOT_FOUND' });
    expect(avatar.space?.id).toBe(room.id);
  });

  it('does not take back a player whose target gave no answer in time: the target may have bound it, and the gate binds it there', async () => {
    const cluster = await startCluster();
    await sessions(cluster, 'lobby-1').bind({ sessionId: 's5', uid: 'u5', gateId: 'gate-a' }, false);
    await expect(sessions(cluster, 'lobby-1').migrate('s5', 'lobby-2', '', 1)).rejects.toMatchObject({ code: 'RPC_ERR_DEADLINE_EXCEEDED' });
    expect(cluster.lobbies['lobby-1'].module.avatarOf('u5')).toBeUndefined();
    // The gate's own bind there answers the session the late accept bound, or loads what the move saved.
    await sessions(cluster, 'lobby-2').bind({ sessionId: 's5', uid: 'u5', gateId: 'gate-a' }, true);
    expect(cluster.lobbies['lobby-2'].module.avatarOf('u5')?.session?.sessionId).toBe('s5');
  });

  it('asks the gate to move an avatar that game code migrates', async () => {
    const cluster = await startCluster();
    await sessions(cluster, 'lobby-1').bind({ sessionId: 's3', uid: 'u3', gateId: 'gate-a' }, false);
    await game(cluster.lobbies['lobby-1']).migrate(cluster.lobbies['lobby-1'].module.avatarOf('u3')!, 'lobby-3');
    expect(cluster.gate.moves).toEqual([{ sessionId: 's3', lobbyId: 'lobby-3', spaceId: '' }]);
  });
});

describe('moving a live entity between lobbies', () => {
  it('loads it on the target with its state and names, and calls to its old mailbox follow it', async () => {
    const { lobbies, caller } = await startCluster();
    const [one, two] = [lobbies['lobby-1'], lobbies['lobby-2']];
    const ledger = game(one).spawn(Ledger, { id: 'ledger-1' });
    const old = ledger.mailbox;
    const remote = caller.remote<{ Tally: Tally }>(old);
    expect(await remote.Tally.add(5)).toBe(5);
    expect(await game(one).claimName('the-ledger', ledger)).toBe(true);
    await game(one).migrate(ledger, 'lobby-2');
    expect(ledger.alive).toBe(false);
    expect(game(one).find('ledger-1')).toBeUndefined();
    // Loaded from what the move saved: onLoad saw the count.
    expect(await remote.Tally.read()).toEqual({ count: 5, loaded: 5, lobby: 'lobby-2' });
    expect(await remote.Tally.add(1)).toBe(6);
    expect(two.discovery.resolveName('the-ledger')).toEqual({ serverId: 'lobby-2', entityId: 'ledger-1' });
    // On to a third lobby: the first still sends callers on (to the second, which sends them on).
    await game(two).migrate(game(two).find('ledger-1')!, 'lobby-3');
    expect(await one.rpc.callEntity(old, 'Tally', 'read', [])).toEqual({ count: 6, loaded: 6, lobby: 'lobby-3' });
  });

  it('loses no call made from three servers while the entity moves 30 times', async () => {
    const { lobbies, caller } = await startCluster();
    const ledger = game(lobbies['lobby-1']).spawn(Ledger, { id: 'ledger-2' });
    const mailbox = ledger.mailbox;
    const streams = Promise.all(LOBBIES.map((id) => lobbies[id].rpc.call(id, 'stream', 'run', [mailbox, 150], { timeoutMs: 60_000 }) as ReturnType<StreamService['run']>));
    let at = 0;
    for (let i = 0; i < 30; i++) {
      const next = (at + 1) % LOBBIES.length;
      // Asked over RPC, as a game would: the redirects that callers follow race the next move.
      await caller.call(LOBBIES[at]!, 'mover', 'move', ['ledger-2', LOBBIES[next]!]);
      at = next;
    }
    const results = await streams;
    expect(results.flatMap((r) => r.failed)).toEqual([]);
    const acked = results.reduce((sum, r) => sum + r.acked, 0);
    expect(acked).toBe(450);
    const here = game(lobbies[LOBBIES[at]!]);
    expect(here.find('ledger-2')!.get(Tally).count).toBe(acked);
    // Saved by one more move: the target loads what the streams added.
    await here.migrate(here.find('ledger-2')!, LOBBIES[(at + 1) % 3]!);
    expect(game(lobbies[LOBBIES[(at + 1) % 3]!]).find('ledger-2')!.get(Tally).loaded).toBe(acked);
  });

  it('takes the entity back when the target cannot take it, and calls that waited run here', async () => {
    const { lobbies, caller, nodes } = await startCluster();
    const one = lobbies['lobby-1'];
    const ledger = game(one).spawn(Ledger, { id: 'ledger-3' });
    await game(one).claimName('kept', ledger);
    const remote = caller.remote<{ Tally: Tally }>(ledger.mailbox);
    await remote.Tally.add(2);
    nodes.addresses.set('lobby-9', '127.0.0.1:1');
    const during = remote.Tally.add(1);
    const err = await rejection(game(one).migrate(ledger, 'lobby-9'));
    expect(err).toBeInstanceOf(RpcError);
    expect(await during).toBe(3);
    const back = game(one).find('ledger-3')!;
    expect(back).not.toBe(ledger);
    expect(back.get(Tally).count).toBe(3);
    expect(one.discovery.resolveName('kept')).toEqual({ serverId: 'lobby-1', entityId: 'ledger-3' });
  });

  it('refuses what it cannot move: an entity not live here (MIGRATION_ERR_NOT_HERE), one inside a space (MIGRATION_ERR_IN_SPACE)', async () => {
    const { lobbies } = await startCluster();
    const one = game(lobbies['lobby-1']);
    const ledger = one.spawn(Ledger, { id: 'ledger-4' });
    await one.migrate(ledger, 'lobby-2');
    expect(((await rejection(one.migrate(ledger, 'lobby-3'))) as MigrationError).code).toBe('MIGRATION_ERR_NOT_HERE');
    const room = await one.spaces.create('room', { here: true });
    const inRoom = one.spaces.local(room.id)!.spawn(Ledger, { id: 'ledger-5' });
    const err = await rejection(one.migrate(inRoom, 'lobby-2'));
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as MigrationError).code).toBe('MIGRATION_ERR_IN_SPACE');
  });

  it('answers MIGRATION_ERR_BAD_ARGS and MIGRATION_ERR_NOT_STORED to accept calls it cannot serve', async () => {
    const { caller } = await startCluster();
    const bad = (await rejection(caller.call('lobby-2', MIGRATION_SERVICE, 'accept', ['Ledger', 7, [], null]))) as RemoteError;
    expect(bad.code).toBe('MIGRATION_ERR_BAD_ARGS');
    const missing = (await rejection(caller.call('lobby-2', MIGRATION_SERVICE, 'accept', ['Ledger', 'nowhere', [], null]))) as RemoteError;
    expect(missing.code).toBe('MIGRATION_ERR_NOT_STORED');
  });

  it('empties a lobby for a drain: its entities spread over the given lobbies, its players moved by their gate', async () => {
    const cluster = await startCluster();
    const one = cluster.lobbies['lobby-1'];
    for (const id of ['a', 'b', 'c']) game(one).spawn(Ledger, { id: `ledger-${id}` });
    await sessions(cluster, 'lobby-1').bind({ sessionId: 's9', uid: 'u9', gateId: 'gate-a' }, false);
    const report = await one.module.evacuate(['lobby-2', 'lobby-3']);
    expect(report).toEqual({ moved: 3, players: 1, asked: expect.arrayContaining(['avatar-u9', 'ledger-a', 'ledger-b', 'ledger-c']), failed: [] });
    expect(['a', 'b', 'c'].map((id) => [game(cluster.lobbies['lobby-2']).find(`ledger-${id}`), game(cluster.lobbies['lobby-3']).find(`ledger-${id}`)].filter(Boolean))).toEqual([[expect.any(Ledger)], [expect.any(Ledger)], [expect.any(Ledger)]]);
    expect(cluster.gate.moves).toEqual([{ sessionId: 's9', lobbyId: 'lobby-2', spaceId: '' }]);
    await expect(one.module.evacuate([])).rejects.toThrow(RangeError);
  });
});
