/**
 * Spaces across two lobbies in one process (real RPC nodes on loopback, one in-memory discovery
 * cluster, one store, gate `gate-a` recording what lobbies ask of it): spaces named in discovery,
 * created on the least loaded lobby through the `spaces` service, found from any lobby, players
 * sent to another lobby's space through their gate, and the lobby's side of such a move.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startModuleCluster, type ModuleCluster, type ModuleLobby } from './fixtures/module-cluster.js';
import { SpaceError } from './space-errors.js';
import { Hero, Purse, SpaceGameLog, spaceGame } from './fixtures/space-game.js';
import type { GameDefinition } from './define-game.js';
import { defineSpace } from './define-space.js';
import type { PlayerEntity } from './player-entity.js';
import type { SpaceSyncStage } from './space-sync-stage.js';

const load = { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 };

/** What the lobbies' sync stages were told to do for a player, as `<call>:<space>:<entity>`. */
const stageCalls: string[] = [];

type Lobby = ModuleLobby;
type Cluster = ModuleCluster<'lobby-1' | 'lobby-2'>;

let running: Cluster | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/**
 * @param maxSpaces each lobby's cap on spaces (default: the lobby's default).
 * @param definition the game both lobbies run.
 */
async function startCluster(maxSpaces?: number, definition: GameDefinition = spaceGame()): Promise<Cluster> {
  SpaceGameLog.length = 0;
  stageCalls.length = 0;
  const createSpaceSync = (): SpaceSyncStage => ({
    afterStep: () => undefined,
    playerEntered: () => undefined,
    playerLeft: () => undefined,
    snapshot: (player: PlayerEntity) => void stageCalls.push(`snapshot:${player.space?.id}:${player.id}`),
    dispose: () => undefined,
  });
  running = await startModuleCluster(['lobby-1', 'lobby-2'], { game: definition, createSpaceSync, ...(maxSpaces === undefined ? {} : { maxSpaces }) });
  return running;
}

const game = (lobby: Lobby) => lobby.module.game!;
const bind = (lobby: Lobby, uid: string, space?: string) => lobby.sessions.bind({ sessionId: `s-${uid}`, uid, gateId: 'gate-a', ...(space ? { space } : {}) }, space !== undefined);

describe('spaces across lobbies', () => {
  it('creates a space on the least loaded lobby, or here when asked, and names every live space in discovery', async () => {
    const { lobbies } = await startCluster();
    const [one, two] = [lobbies['lobby-1'], lobbies['lobby-2']];
    await one.discovery.reportLoad({ ...load, sessions: 5 });
    const ref = await game(one).spaces.create('match', { id: 'm1', data: { teams: [['u1'], ['u2']] } });
    expect(ref).toEqual({ id: 'm1', type: 'match', lobbyId: 'lobby-2' });
    expect(two.module.spaces!.get('m1')!.data).toEqual({ teams: [['u1'], ['u2']] });
    expect(await game(one).spaces.create('match', { id: 'm2', here: true })).toEqual({ id: 'm2', type: 'match', lobbyId: 'lobby-1' });
    expect(one.discovery.resolveName('space:m1')).toEqual({ serverId: 'lobby-2', entityId: 'm1' });
    expect(two.discovery.resolveName('space:m2')).toEqual({ serverId: 'lobby-1', entityId: 'm2' });
    // Made on the lobby that got the call, with an id of its own making.
    await two.discovery.reportLoad({ ...load, sessions: 9 });
    expect(await game(two).spaces.create('dungeon')).toMatchObject({ type: 'dungeon', lobbyId: 'lobby-1', id: expect.stringMatching(/^dungeon-/) });
  });

  it('creates no space on a draining lobby, and opens it here when every lobby drains', async () => {
    const { lobbies } = await startCluster();
    const [one, two] = [lobbies['lobby-1'], lobbies['lobby-2']];
    await one.discovery.reportLoad({ ...load, sessions: 5 });
    await two.discovery.markDraining();
    expect(await game(one).spaces.create('match', { id: 'd1' })).toMatchObject({ lobbyId: 'lobby-1' });
    await one.discovery.markDraining();
    expect(await game(two).spaces.create('match', { id: 'd2' })).toMatchObject({ lobbyId: 'lobby-2' });
  });

  it("runs each space's onDrain when its lobby drains, before the lobby empties", async () => {
    const drained: string[] = [];
    const base = spaceGame();
    const match = defineSpace({ ...base.spaces!['match']!, onDrain: (space) => void drained.push(`${space.id}:${space.players().length}`) });
    const { lobbies } = await startCluster(undefined, { ...base, spaces: { ...base.spaces, match } });
    const one = lobbies['lobby-1'];
    await game(one).spaces.create('match', { id: 'm9', here: true });
    await one.discovery.markDraining();
    await one.module.drain();
    expect(drained).toEqual(['m9:0']);
  });

  it('finds a space from any lobby until it is disposed', async () => {
    const { lobbies } = await startCluster();
    const [one, two] = [lobbies['lobby-1'], lobbies['lobby-2']];
    await game(two).spaces.create('match', { id: 'm1', here: true });
    expect(await game(one).spaces.find('m1')).toEqual({ id: 'm1', type: 'match', lobbyId: 'lobby-2' });
    expect(await game(two).spaces.find('m1')).toEqual({ id: 'm1', type: 'match', lobbyId: 'lobby-2' });
    expect(await game(one).spaces.find('nowhere')).toBeUndefined();
    await two.module.spaces!.get('m1')!.dispose();
    expect(await game(one).spaces.find('m1')).toBeUndefined();
  });

  it("refuses an id another lobby's live space holds, and passes on the other lobby's refusal with its code", async () => {
    const { lobbies } = await startCluster();
    const [one, two] = [lobbies['lobby-1'], lobbies['lobby-2']];
    await game(two).spaces.create('match', { id: 'm1', here: true });
    await expect(game(one).spaces.create('match', { id: 'm1', here: true })).rejects.toMatchObject({ code: 'SPACE_ERR_ID_TAKEN' });
    await one.discovery.reportLoad({ ...load, sessions: 5 });
    await expect(game(one).spaces.create('arena')).rejects.toMatchObject({ code: 'SPACE_ERR_UNKNOWN_TYPE' });
  });

  it('creates a space on the next least loaded lobby when one hosts lobby.maxSpaces, leaving that one out until its next load report', async () => {
    const { lobbies } = await startCluster(1);
    const [one, two] = [lobbies['lobby-1'], lobbies['lobby-2']];
    await one.discovery.reportLoad({ ...load, sessions: 5 });
    expect(await game(one).spaces.create('match', { id: 'm1' })).toMatchObject({ lobbyId: 'lobby-2' });
    // lobby-2 refuses through its spaces service, without claiming the id: this lobby makes it.
    expect(await game(one).spaces.create('match', { id: 'm2' })).toEqual({ id: 'm2', type: 'match', lobbyId: 'lobby-1' });
    // lobby-2 has room again but has not reported since it refused: it is not asked, and this lobby is full.
    await two.module.spaces!.get('m1')!.dispose();
    const refused = await game(one).spaces.create('match', { id: 'm3' }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(SpaceError);
    expect(refused).toMatchObject({ code: 'SPACE_ERR_TOO_MANY' });
    await two.discovery.reportLoad({ ...load, sessions: 0 });
    expect(await game(one).spaces.create('match', { id: 'm3' })).toMatchObject({ lobbyId: 'lobby-2' });
  });

  it('refuses with SPACE_ERR_TOO_MANY when every lobby is full, asking none that refused since its last load report', async () => {
    const { lobbies, nodes } = await startCluster(1);
    const [one, two] = [lobbies['lobby-1'], lobbies['lobby-2']];
    await game(one).spaces.create('match', { id: 'm1', here: true });
    await game(two).spaces.create('match', { id: 'm2', here: true });
    await expect(game(one).spaces.create('match', { here: true })).rejects.toMatchObject({ code: 'SPACE_ERR_TOO_MANY' });
    // Each asked once: this lobby first (the lower id of equal loads), then lobby-2 through RPC.
    await expect(game(one).spaces.create('match', { id: 'm3' })).rejects.toMatchObject({ name: 'RemoteError', code: 'SPACE_ERR_TOO_MANY' });
    // Again: this lobby, which knows its own count, is asked; lobby-2 is left out until its next report.
    await expect(game(one).spaces.create('match', { id: 'm3' })).rejects.toMatchObject({ name: 'SpaceError', code: 'SPACE_ERR_TOO_MANY' });
    await expect(nodes.nodes[0]!.call('lobby-2', 'spaces', 'create', ['match', null])).rejects.toMatchObject({ code: 'SPACE_ERR_TOO_MANY' });
  });

  it("sends a player to another lobby's space through its gate, by uid or by avatar", async () => {
    const { lobbies, gate } = await startCluster();
    const [one, two] = [lobbies['lobby-1'], lobbies['lobby-2']];
    await game(two).spaces.create('match', { id: 'm1', here: true });
    await bind(one, 'u1');
    await bind(one, 'u2');
    await game(one).spaces.enter('u1', 'm1');
    await game(one).spaces.enter(one.module.avatarOf('u2')!, 'm1');
    await expect.poll(() => gate.moves).toEqual([
      { sessionId: 's-u1', lobbyId: 'lobby-2', spaceId: 'm1' },
      { sessionId: 's-u2', lobbyId: 'lobby-2', spaceId: 'm1' },
    ]);
  });

  it("names each instance of the start space in discovery, and sends a player back to its own lobby's start space", async () => {
    const { lobbies } = await startCluster(undefined, spaceGame({ field: defineSpace({ maxPlayers: 1, emptyGraceMs: 0 }) }));
    const [one, two] = [lobbies['lobby-1'], lobbies['lobby-2']];
    await bind(one, 'u1');
    await bind(one, 'u2');
    expect(await game(two).spaces.find('field@lobby-1:2')).toEqual({ id: 'field@lobby-1:2', type: 'field', lobbyId: 'lobby-1' });
    await game(one).spaces.create('match', { id: 'm1', here: true });
    await game(one).spaces.enter('u1', 'm1');
    expect(await game(one).spaces.enterStart('u1')).toEqual({ id: 'field@lobby-1', type: 'field', lobbyId: 'lobby-1' });
    expect(game(two).spaces.list()).toEqual([]);
  });

  it('refuses to send a player not bound here, or to a space on no live lobby, with coded errors', async () => {
    const { lobbies, gate } = await startCluster();
    const one = lobbies['lobby-1'];
    await game(lobbies['lobby-2']).spaces.create('match', { id: 'm1', here: true });
    await bind(one, 'u1');
    await expect(game(one).spaces.enter('ghost', 'm1')).rejects.toMatchObject({ code: 'SPACE_ERR_NOT_A_PLAYER' });
    await expect(game(one).spaces.enter('u1', 'nowhere')).rejects.toMatchObject({ code: 'SPACE_ERR_NOT_FOUND' });
    expect(gate.moves).toEqual([]);
  });

  it('serves the spaces service to other servers, refusing malformed arguments with SPACE_ERR_BAD_ARGS', async () => {
    const { lobbies, nodes } = await startCluster();
    const from = nodes.nodes[0]!;
    expect(await from.call('lobby-2', 'spaces', 'create', ['match', null])).toMatchObject({ type: 'match', lobbyId: 'lobby-2' });
    expect(await from.call('lobby-2', 'spaces', 'create', ['match', { id: 'm7', data: [1, 2] }])).toEqual({ id: 'm7', type: 'match', lobbyId: 'lobby-2' });
    expect(lobbies['lobby-2'].module.spaces!.get('m7')!.data).toEqual([1, 2]);
    expect(await from.call('lobby-2', 'spaces', 'describe', ['m7'])).toEqual({ id: 'm7', type: 'match', lobbyId: 'lobby-2' });
    expect(await from.call('lobby-2', 'spaces', 'describe', ['nowhere'])).toBeNull();
    await expect(from.call('lobby-2', 'spaces', 'create', ['match', 'big'])).rejects.toMatchObject({ code: 'SPACE_ERR_BAD_ARGS' });
    await expect(from.call('lobby-2', 'spaces', 'describe', [7])).rejects.toMatchObject({ code: 'SPACE_ERR_BAD_ARGS' });
  });

  it("migrates a player's avatar as the gate asks: out of its space and saved, into the named space on the other lobby", async () => {
    const { lobbies, gate } = await startCluster();
    const [one, two] = [lobbies['lobby-1'], lobbies['lobby-2']];
    await game(two).spaces.create('match', { id: 'm1', here: true });
    await bind(one, 'u1');
    (one.module.avatarOf('u1') as Hero).get(Purse).gold = 42;
    (one.module.avatarOf('u1') as Hero).markDirty();
    expect(await one.sessions.migrate('s-u1', 'lobby-2', 'm1', 5_000)).toBe('lobby-2');
    expect(one.module.avatarOf('u1')).toBeUndefined();
    const avatar = two.module.avatarOf('u1') as Hero;
    expect(avatar.space?.id).toBe('m1');
    expect(avatar.get(Purse).gold).toBe(42);
    expect(SpaceGameLog.filter((line) => line.endsWith(':avatar-u1'))).toEqual(['enter:field@lobby-1:avatar-u1', 'leave:field@lobby-1:avatar-u1', 'enter:m1:avatar-u1']);
    await expect.poll(() => gate.pushes.filter((p) => p.route === 'sys.space').map((p) => p.body)).toEqual([
      { spaceId: 'field@lobby-1', type: 'field', lobbyId: 'lobby-1' },
      { spaceId: 'm1', type: 'match', lobbyId: 'lobby-2' },
    ]);
  });

  it("has the player's space owe a resumed client a snapshot", async () => {
    const { lobbies } = await startCluster();
    const one = lobbies['lobby-1'];
    await bind(one, 'u1');
    await one.sessions.resumed('s-u1');
    await one.sessions.resumed('s-nobody');
    expect(stageCalls).toEqual(['snapshot:field@lobby-1:avatar-u1']);
  });
});
