import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineSpace } from './define-space.js';
import { Chest, Hero, Position, Purse, Rock, spaceGame, SpaceGameLog, Spot, loggingHooks } from './fixtures/space-game.js';
import { startSpaceLobby, type SpaceLobby } from './fixtures/space-lobby.js';
import { PlayerEntity } from './player-entity.js';
import { SpaceHost, type SpaceHostOptions } from './space-host.js';
import type { SpaceSyncStage } from './space-sync-stage.js';

let running: SpaceLobby | undefined;
beforeEach(() => void SpaceGameLog.splice(0));
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function start(...args: Parameters<typeof spaceGame>): Promise<SpaceLobby> {
  running = await startSpaceLobby(spaceGame(...args));
  return running;
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

const avatar = (run: SpaceLobby, uid: string): Hero => run.lobby.avatarOf(uid) as Hero;

describe('spaces on one lobby', () => {
  it('creates a space with its own world, stepped at its type\'s rate on the game clock, and hands onCreate its data', async () => {
    const steps: number[] = [];
    const run = await start({ arena: defineSpace({ tickHz: 5, systems: [{ name: 'count', run: (w) => void steps.push(w.stats().steps) }], onCreate: (space, data) => void SpaceGameLog.push(`create:${space.id}:${JSON.stringify(data)}`) }) });
    const ref = await run.game.spaces.create('arena', { id: 'arena-1', data: { teams: 2 } });
    expect(ref).toEqual({ id: 'arena-1', type: 'arena', lobbyId: 'lobby-1' });
    const space = run.game.spaces.local('arena-1')!;
    expect(SpaceGameLog).toEqual(['create:arena-1:{"teams":2}']);
    expect(space.data).toEqual({ teams: 2 });
    expect(run.game.spaces.list()).toEqual([space]);
    const rock = space.spawn(Rock, { id: 'rock' });
    expect(rock.space).toBe(space);
    // RPC and game code find entities in any world of the lobby.
    expect(run.game.find('rock')).toBe(rock);
    await run.advance(1_000);
    expect(steps).toHaveLength(5);
    expect(space.tickHz).toBe(5);
    expect(space.tickStats().ticks).toBe(5);
    expect(space.now()).toBe(run.gameClock.now());
  });

  it('gives a new space an id of its type, and refuses a taken id, a bad id and an unknown type with coded errors', async () => {
    const run = await start();
    const ref = await run.game.spaces.create('match');
    expect(ref.id).toMatch(/^match-[0-9A-Z]{26}$/);
    await expect(run.game.spaces.create('match', { id: ref.id })).rejects.toMatchObject({ code: 'SPACE_ERR_ID_TAKEN' });
    await expect(run.game.spaces.create('match', { id: '' })).rejects.toMatchObject({ code: 'SPACE_ERR_BAD_ID' });
    await expect(run.game.spaces.create('match', { id: 'a\nb' })).rejects.toMatchObject({ code: 'SPACE_ERR_BAD_ID' });
    await expect(run.game.spaces.create('raid')).rejects.toMatchObject({ code: 'SPACE_ERR_UNKNOWN_TYPE' });
  });

  it('disposes an empty space once its grace period has run out on the game clock, destroying its entities', async () => {
    const run = await start();
    await run.game.spaces.create('match', { id: 'm1' });
    const space = run.game.spaces.local('m1')!;
    const rock = space.spawn(Rock);
    await run.advance(999);
    expect(run.game.spaces.local('m1')).toBe(space);
    await run.advance(1);
    expect(run.game.spaces.local('m1')).toBeUndefined();
    expect(space.isDisposed).toBe(true);
    expect(rock.alive).toBe(false);
    expect(run.lobby.entityCount).toBe(0);
    expect(run.logger.at('info').some((l) => l.message.includes('empty past its grace period'))).toBe(true);
  });

  it('keeps a space whose grace period a player interrupts, and starts it again when the last one leaves', async () => {
    const run = await start();
    await run.bind('u1');
    await run.game.spaces.create('match', { id: 'm1' });
    await run.advance(500);
    await run.game.spaces.enter('u1', 'm1');
    await run.advance(5_000);
    expect(run.game.spaces.local('m1')).toBeDefined();
    await run.game.spaces.enter('u1', 'field@lobby-1');
    await run.advance(999);
    expect(run.game.spaces.local('m1')).toBeDefined();
    await run.advance(1);
    expect(run.game.spaces.local('m1')).toBeUndefined();
    // emptyGraceMs 0: the field stays, empty or not.
    await run.game.spaces.enter('u1', (await run.game.spaces.create('match', { id: 'm2' })).id);
    await run.advance(60_000);
    expect(run.game.spaces.local('field@lobby-1')!.playerCount).toBe(0);
  });

  it('puts a player who binds into the game\'s start space on this lobby, created on first use, and tells the client', async () => {
    const run = await start();
    expect(run.game.spaces.list()).toEqual([]);
    await run.bind('u1');
    await run.bind('u2');
    const field = run.game.spaces.local('field@lobby-1')!;
    expect(field.players().map((p) => p.id).sort()).toEqual(['avatar-u1', 'avatar-u2']);
    expect(avatar(run, 'u1').space).toBe(field);
    expect(await run.request('u1', 'Spot.where')).toBe('field@lobby-1');
    await waitFor(() => run.spacePushes('u2').length === 1);
    expect(run.spacePushes('u1')).toEqual([{ spaceId: 'field@lobby-1', type: 'field', lobbyId: 'lobby-1' }]);
    expect(SpaceGameLog).toEqual(['create:field@lobby-1', 'enter:field@lobby-1:avatar-u1', 'enter:field@lobby-1:avatar-u2']);
  });

  it('leaves players of a game without a start space in the lobby world', async () => {
    const run = await start({}, null);
    await run.bind('u1');
    expect(avatar(run, 'u1').space).toBeUndefined();
    expect(await run.request('u1', 'Spot.where')).toBeNull();
    expect(run.game.spaces.list()).toEqual([]);
  });

  it('moves a player between spaces in its queue: requests before the move run in the old space, those after it in the new', async () => {
    const run = await start();
    await run.bind('u1');
    await run.game.spaces.create('match', { id: 'm1' });
    const before = run.request('u1', 'Spot.wait');
    await waitFor(() => Spot.held !== undefined);
    const moving = run.game.spaces.enter('u1', 'm1');
    const after = run.request('u1', 'Spot.where');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(avatar(run, 'u1').space?.id).toBe('field@lobby-1');
    Spot.held!();
    Spot.held = undefined;
    expect(await before).toBe('field@lobby-1');
    await moving;
    expect(await after).toBe('m1');
    expect(SpaceGameLog).toEqual(['create:field@lobby-1', 'enter:field@lobby-1:avatar-u1', 'create:m1', 'leave:field@lobby-1:avatar-u1', 'empty:field@lobby-1', 'enter:m1:avatar-u1']);
    await waitFor(() => run.spacePushes('u1').length === 2);
    expect(run.spacePushes('u1')[1]).toEqual({ spaceId: 'm1', type: 'match', lobbyId: 'lobby-1' });
    expect(run.game.spaces.local('field@lobby-1')!.playerCount).toBe(0);
  });

  it('lets a request handler move its own player without awaiting it: the next request runs in the new space', async () => {
    const run = await start();
    await run.bind('u1');
    await run.game.spaces.create('match', { id: 'm1' });
    expect(await run.request('u1', 'travel.go', 'm1')).toBeNull();
    expect(await run.request('u1', 'Spot.where')).toBe('m1');
    await run.request('u1', 'travel.go', 'nowhere');
    await run.request('u1', 'Spot.where');
    expect(SpaceGameLog).toContain('error:SPACE_ERR_NOT_FOUND');
  });

  it('keeps the avatar\'s state, components and timers through a move', async () => {
    const run = await start();
    await run.bind('u1');
    const hero = avatar(run, 'u1');
    const purse = hero.get(Purse);
    hero.get(Position).x = 4;
    purse.gold = 12;
    const fired: (string | undefined)[] = [];
    hero.timers.after(300, () => fired.push(hero.space?.id));
    await run.game.spaces.create('match', { id: 'm1' });
    await run.game.spaces.enter(hero, 'm1');
    expect(hero.get(Purse)).toBe(purse);
    expect(hero.get(Position).x).toBe(4);
    expect(run.game.spaces.local('m1')!.world.hot(Position).x[hero.eid]).toBe(4);
    await run.advance(300);
    await waitFor(() => fired.length === 1);
    expect(fired).toEqual(['m1']);
  });

  it('refuses a player into a full space with SPACE_ERR_FULL, leaving it where it was', async () => {
    const run = await start();
    for (const uid of ['u1', 'u2', 'u3']) await run.bind(uid);
    await run.game.spaces.create('match', { id: 'm1' });
    await run.game.spaces.enter('u1', 'm1');
    await run.game.spaces.enter('u2', 'm1');
    await expect(run.game.spaces.enter('u3', 'm1')).rejects.toMatchObject({ code: 'SPACE_ERR_FULL' });
    expect(avatar(run, 'u3').space?.id).toBe('field@lobby-1');
    expect(run.game.spaces.local('m1')!.playerCount).toBe(2);
    expect(SpaceGameLog).not.toContain('leave:field@lobby-1:avatar-u3');
  });

  it('refuses an unknown space with SPACE_ERR_NOT_FOUND and what is no bound player with SPACE_ERR_NOT_A_PLAYER', async () => {
    const run = await start();
    await run.bind('u1');
    await expect(run.game.spaces.enter('u1', 'nowhere')).rejects.toMatchObject({ code: 'SPACE_ERR_NOT_FOUND' });
    await expect(run.game.spaces.enter('u9', 'field@lobby-1')).rejects.toMatchObject({ code: 'SPACE_ERR_NOT_A_PLAYER' });
    const chest = run.game.spawn(Chest);
    await expect(run.game.spaces.enter(chest as unknown as PlayerEntity, 'field@lobby-1')).rejects.toMatchObject({ code: 'SPACE_ERR_NOT_A_PLAYER' });
  });

  it('logs a hook that throws and goes on with the move', async () => {
    const run = await start({
      match: defineSpace({
        ...loggingHooks,
        onPlayerEnter: () => {
          throw new Error('enter bug');
        },
      }),
    });
    await run.bind('u1');
    await run.game.spaces.create('match', { id: 'm1' });
    await run.game.spaces.enter('u1', 'm1');
    expect(avatar(run, 'u1').space?.id).toBe('m1');
    expect(run.logger.at('error').find((l) => l.message === 'space: onPlayerEnter failed')).toMatchObject({ meta: { spaceId: 'm1' } });
  });

  it('takes a player whose session closes out of its space before saving it, and saves what onPlayerLeave changed', async () => {
    const run = await start({
      match: defineSpace({
        ...loggingHooks,
        onPlayerLeave: (space, player) => {
          SpaceGameLog.push(`leave:${space.id}:${player.id}`);
          player.get(Purse).gold = 99;
        },
      }),
    });
    await run.bind('u1');
    await run.game.spaces.create('match', { id: 'm1' });
    await run.game.spaces.enter('u1', 'm1');
    const hero = avatar(run, 'u1');
    await run.sessions.close('s-u1', 'logout');
    expect(hero.alive).toBe(false);
    expect(run.game.spaces.local('m1')!.playerCount).toBe(0);
    expect(SpaceGameLog.slice(-2)).toEqual(['leave:m1:avatar-u1', 'empty:m1']);
    expect((await run.store.load('Hero', 'avatar-u1'))?.data).toMatchObject({ components: { Purse: { gold: 99 } } });
  });

  it('refuses to dispose a space with players in it, and disposes an empty one on demand', async () => {
    const run = await start();
    await run.bind('u1');
    const field = run.game.spaces.local('field@lobby-1')!;
    await expect(field.dispose()).rejects.toThrow(/players are in it/);
    const match = run.game.spaces.local((await run.game.spaces.create('match')).id)!;
    await match.dispose();
    expect(run.game.spaces.local(match.id)).toBeUndefined();
    await match.dispose();
  });

  it('answers neighbour queries on the interest grid after each step, and throws without one', async () => {
    const run = await start();
    await run.bind('u1');
    const field = run.game.spaces.local('field@lobby-1')!;
    const hero = avatar(run, 'u1');
    const near = field.spawn(Rock);
    const edge = field.spawn(Rock);
    const far = field.spawn(Rock);
    near.get(Position).x = 3;
    edge.get(Position).x = 5;
    far.get(Position).x = 50;
    await run.advance(100);
    expect(hero.nearby(5).sort((a, b) => a.id.localeCompare(b.id))).toEqual([near, edge].sort((a, b) => a.id.localeCompare(b.id)));
    expect(field.nearby(50, 0, 1)).toEqual([far]);
    expect(field.interest!.viewOf(hero).size).toBe(2);
    const match = run.game.spaces.local((await run.game.spaces.create('match')).id)!;
    expect(() => match.nearby(0, 0, 1)).toThrow(/declares no interest grid/);
  });

  it('leaves out of neighbour queries an entity destroyed since the last step', async () => {
    const run = await start();
    await run.bind('u1');
    const field = run.game.spaces.local('field@lobby-1')!;
    const hero = avatar(run, 'u1');
    const gone = field.spawn(Rock);
    const kept = field.spawn(Rock);
    gone.get(Position).x = 2;
    kept.get(Position).x = 3;
    await run.advance(100);
    gone.destroy();
    expect(hero.nearby(5)).toEqual([kept]);
    expect(field.nearby(2, 0, 0.5)).toEqual([]);
  });

  it('never saves the entities of a space that is not kept, but saves its players', async () => {
    const run = await start();
    await run.bind('u1');
    const match = run.game.spaces.local((await run.game.spaces.create('match', { id: 'm1' })).id)!;
    const chest = match.spawn(Chest, { id: 'chest-1' });
    chest.get(Purse).gold = 5;
    await run.game.spaces.enter('u1', 'm1');
    avatar(run, 'u1').get(Purse).gold = 3;
    await run.lobby.drain();
    expect(await run.store.load('Chest', 'chest-1')).toBeUndefined();
    expect((await run.store.load('Hero', 'avatar-u1'))?.data).toMatchObject({ components: { Purse: { gold: 3 } } });
  });

  it('puts a player whose bind names a space here into it, and refuses a bind naming a space that is not here or is full, before loading anything', async () => {
    const run = await start();
    await run.game.spaces.create('match', { id: 'm1' });
    await run.sessions.bind({ sessionId: 's-u1', uid: 'u1', gateId: 'gate-a', space: 'm1' }, true);
    expect(avatar(run, 'u1').space?.id).toBe('m1');
    // The gate that moves the player binds it back where it was.
    await expect(run.sessions.bind({ sessionId: 's-u2', uid: 'u2', gateId: 'gate-a', space: 'gone' }, true)).rejects.toMatchObject({ code: 'SPACE_ERR_NOT_FOUND' });
    expect(run.game.find('avatar-u2')).toBeUndefined();
    await run.game.spaces.create('match', { id: 'm2' });
    await run.bind('u4');
    await run.bind('u5');
    await run.game.spaces.enter('u4', 'm2');
    await run.game.spaces.enter('u5', 'm2');
    await expect(run.sessions.bind({ sessionId: 's-u6', uid: 'u6', gateId: 'gate-a', space: 'm2' }, true)).rejects.toMatchObject({ code: 'SPACE_ERR_FULL' });
    expect(run.game.find('avatar-u6')).toBeUndefined();
    await expect(run.sessions.bind({ sessionId: 's-u3', uid: 'u3', gateId: 'gate-a', space: 7 as unknown as string }, false)).rejects.toMatchObject({ code: 'LOBBY_ERR_BAD_ARGS' });
  });

  it('leaves a player taken over by a newer login in its space, and tells the new session where it is', async () => {
    const run = await start();
    await run.bind('u1');
    await run.game.spaces.create('match', { id: 'm1' });
    await run.game.spaces.enter('u1', 'm1');
    await run.sessions.bind({ sessionId: 's-u1-again', uid: 'u1', gateId: 'gate-a' }, false);
    expect(avatar(run, 'u1').space?.id).toBe('m1');
    await waitFor(() => run.gate.pushes.some((p) => p.route === 'sys.space' && p.sessionIds.includes('s-u1-again')));
    expect(run.gate.pushes.find((p) => p.sessionIds.includes('s-u1-again'))!.body).toEqual({ spaceId: 'm1', type: 'match', lobbyId: 'lobby-1' });
    expect(SpaceGameLog.filter((line) => line.startsWith('leave:m1'))).toEqual([]);
  });

  it('drives each space\'s sync stage: after every step, and as players enter, resume and leave, until it is disposed', async () => {
    const calls: string[] = [];
    const stage = (id: string): SpaceSyncStage => ({
      afterStep: () => void calls.push(`step:${id}`),
      playerEntered: (player) => void calls.push(`entered:${id}:${player.id}`),
      snapshot: (player) => void calls.push(`snapshot:${id}:${player.id}`),
      playerLeft: (player) => void calls.push(`left:${id}:${player.id}`),
      dispose: () => void calls.push(`dispose:${id}`),
    });
    running = await startSpaceLobby(spaceGame(), undefined, { createSpaceSync: (space) => stage(space.id) });
    const run = running;
    await run.bind('u1');
    await run.advance(100); // one step of the field at 10 Hz
    expect(calls).toEqual(['entered:field@lobby-1:avatar-u1', 'step:field@lobby-1']);
    run.spaces.resync(avatar(run, 'u1'));
    await run.game.spaces.create('match', { id: 'm1' });
    await run.game.spaces.enter('u1', 'm1');
    await run.game.spaces.enter('u1', 'field@lobby-1');
    await run.advance(1_000);
    expect(calls.slice(2, 6)).toEqual(['snapshot:field@lobby-1:avatar-u1', 'left:field@lobby-1:avatar-u1', 'entered:m1:avatar-u1', 'left:m1:avatar-u1']);
    expect(calls).toContain('dispose:m1');
    expect(calls.filter((c) => c === 'step:m1').length).toBeGreaterThan(0);
    expect(calls.lastIndexOf('step:m1')).toBeLessThan(calls.indexOf('dispose:m1'));
  });

  it('refuses a move whose space was disposed while the move waited its turn, leaving the player where it was', async () => {
    const run = await start();
    await run.bind('u1');
    await run.game.spaces.create('match', { id: 'm1' });
    const before = run.request('u1', 'Spot.wait');
    await waitFor(() => Spot.held !== undefined);
    // Caught at once: the refusal may come before the test awaits it.
    const moving = run.game.spaces.enter('u1', 'm1').catch((err: unknown) => err);
    await run.game.spaces.local('m1')!.dispose();
    Spot.held!();
    Spot.held = undefined;
    await before;
    expect(await moving).toMatchObject({ code: 'SPACE_ERR_NOT_FOUND' });
    expect(avatar(run, 'u1').space?.id).toBe('field@lobby-1');
  });

  it('starts the grace period again of a space whose only arrival never got in', async () => {
    let leave: (() => void) | undefined;
    const run = await start({ field: defineSpace({ emptyGraceMs: 0, onPlayerLeave: () => new Promise<void>((resolve) => (leave = resolve)) }) });
    await run.bind('u1');
    await run.game.spaces.create('match', { id: 'm1' });
    const moving = run.game.spaces.enter('u1', 'm1').catch((err: unknown) => err);
    await waitFor(() => leave !== undefined);
    // Its grace period ends while the player's place is held: it stays.
    await run.advance(1_000);
    expect(run.game.spaces.local('m1')).toBeDefined();
    avatar(run, 'u1').destroy();
    leave!();
    expect(await moving).toMatchObject({ code: 'SPACE_ERR_NOT_FOUND' });
    await run.advance(1_000);
    expect(run.game.spaces.local('m1')).toBeUndefined();
  });

  it('lets other servers call entities in any space of the lobby by their mailbox', async () => {
    const run = await start();
    await run.bind('u1');
    await run.game.spaces.create('match', { id: 'm1' });
    const chest = run.game.spaces.local('m1')!.spawn(Chest, { id: 'chest-1' });
    expect(await run.peer.remote<{ Purse: Purse }>({ serverId: 'lobby-1', entityId: 'chest-1' }).Purse.add(5)).toBe(5);
    expect(await run.peer.remote<{ Purse: Purse }>({ serverId: 'lobby-1', entityId: 'avatar-u1' }).Purse.add(2)).toBe(2);
    expect(chest.get(Purse).gold).toBe(5);
  });
});

describe('the cap on spaces of one lobby (lobby.maxSpaces)', () => {
  async function capped(maxSpaces: number): Promise<SpaceLobby> {
    running = await startSpaceLobby(spaceGame(), undefined, { maxSpaces });
    return running;
  }

  it('refuses a space past the cap with SPACE_ERR_TOO_MANY, counting creations in flight, and claims no name for it', async () => {
    const run = await capped(2);
    const creating = [run.game.spaces.create('match', { id: 'm1' }), run.game.spaces.create('match', { id: 'm2' })];
    expect(run.spaces.hosted).toBe(2);
    await expect(run.game.spaces.create('match', { id: 'm3' })).rejects.toMatchObject({ code: 'SPACE_ERR_TOO_MANY', wireCode: 6108 });
    await Promise.all(creating);
    await expect(run.game.spaces.create('dungeon')).rejects.toMatchObject({ code: 'SPACE_ERR_TOO_MANY' });
    expect(run.game.spaces.list().map((s) => s.id)).toEqual(['m1', 'm2']);
    expect(await run.game.spaces.find('m3')).toBeUndefined();
  });

  it('frees a slot once a space is disposed, and holds it while the disposal runs', async () => {
    const run = await capped(2);
    await run.game.spaces.create('match', { id: 'm1' });
    await run.game.spaces.create('match', { id: 'm2' });
    const disposing = run.game.spaces.local('m1')!.dispose();
    expect(run.game.spaces.local('m1')).toBeUndefined();
    await expect(run.game.spaces.create('match', { id: 'm3' })).rejects.toMatchObject({ code: 'SPACE_ERR_TOO_MANY' });
    await disposing;
    expect(run.spaces.hosted).toBe(1);
    expect(await run.game.spaces.create('match', { id: 'm3' })).toMatchObject({ id: 'm3' });
    // A space disposed after its grace period frees its slot too.
    await run.advance(1_000);
    expect(run.spaces.hosted).toBe(0);
    await run.game.spaces.create('match', { id: 'm4' });
    await run.game.spaces.create('match', { id: 'm5' });
  });

  it('always makes the start space a bind needs, which then counts against the cap', async () => {
    const run = await capped(1);
    await run.game.spaces.create('match', { id: 'm1' });
    await run.bind('u1');
    expect(avatar(run, 'u1').space?.id).toBe('field@lobby-1');
    expect(run.spaces.hosted).toBe(2);
    await run.game.spaces.local('m1')!.dispose();
    await expect(run.game.spaces.create('match')).rejects.toMatchObject({ code: 'SPACE_ERR_TOO_MANY' });
  });

  it('counts a kept space given back its entities like any other, and a refused one loses nothing', async () => {
    const run = await capped(1);
    const dungeon = run.game.spaces.local((await run.game.spaces.create('dungeon', { id: 'd1' })).id)!;
    dungeon.spawn(Chest, { id: 'chest-1' }).get(Purse).gold = 7;
    await dungeon.dispose();
    await run.game.spaces.create('match', { id: 'm1' });
    await expect(run.game.spaces.create('dungeon', { id: 'd1' })).rejects.toMatchObject({ code: 'SPACE_ERR_TOO_MANY' });
    await run.game.spaces.local('m1')!.dispose();
    await run.game.spaces.create('dungeon', { id: 'd1' });
    const restored = run.game.spaces.local('d1')!;
    expect(restored.restored).toBe(true);
    expect((run.game.find('chest-1') as Chest).get(Purse).gold).toBe(7);
  });

  it('throws a RangeError for a cap that is not an integer of at least 1', () => {
    for (const maxSpaces of [0, 1.5, Number.NaN]) expect(() => new SpaceHost({ maxSpaces } as SpaceHostOptions)).toThrow(RangeError);
  });
});
