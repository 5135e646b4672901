import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineSpace } from './define-space.js';
import { loggingHooks, spaceGame, SpaceGameLog } from './fixtures/space-game.js';
import { startSpaceLobby, type SpaceLobby } from './fixtures/space-lobby.js';
import type { Space } from './space.js';
import { isStartInstance, reserveStartInstance, startInstanceId, type StartInstanceSpaces } from './start-instances.js';

let running: SpaceLobby | undefined;
beforeEach(() => void SpaceGameLog.splice(0));
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/** A lobby whose start space `field` takes `maxPlayers` and lives 1 s empty. */
async function start(maxPlayers: number, maxSpaces?: number): Promise<SpaceLobby> {
  const field = defineSpace({ maxPlayers, emptyGraceMs: 1_000, ...loggingHooks });
  running = await startSpaceLobby(spaceGame({ field }), undefined, maxSpaces === undefined ? {} : { maxSpaces });
  return running;
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

const spaceIdOf = (run: SpaceLobby, uid: string): string | undefined => run.lobby.avatarOf(uid)?.space?.id;

function occupants(run: SpaceLobby): Record<string, number> {
  return Object.fromEntries(run.game.spaces.list().filter((s) => s.type === 'field').map((s: Space) => [s.id, s.playerCount]));
}

describe('instances of the start space (a start type with maxPlayers)', () => {
  it('names instances <type>@<lobby>, then :2, :3 …, and knows them from other spaces', () => {
    expect([1, 2, 10].map((n) => startInstanceId('field', 'lobby-1', n))).toEqual(['field@lobby-1', 'field@lobby-1:2', 'field@lobby-1:10']);
    expect(isStartInstance('field@lobby-1:2', 'field', 'lobby-1')).toBe(true);
    expect(isStartInstance('field@lobby-1', 'field', 'lobby-1')).toBe(true);
    for (const id of ['field@lobby-2', 'field@lobby-1:0', 'field@lobby-1:x', 'field@lobby-1:', 'field-1']) expect(isStartInstance(id, 'field', 'lobby-1')).toBe(false);
  });

  it('fills instances in order, creating the next only when every one before is full, and tells each client its instance', async () => {
    const run = await start(2);
    for (const uid of ['u1', 'u2', 'u3', 'u4', 'u5']) await run.bind(uid);
    expect(occupants(run)).toEqual({ 'field@lobby-1': 2, 'field@lobby-1:2': 2, 'field@lobby-1:3': 1 });
    expect(['u1', 'u2', 'u3', 'u4', 'u5'].map((uid) => spaceIdOf(run, uid))).toEqual(['field@lobby-1', 'field@lobby-1', 'field@lobby-1:2', 'field@lobby-1:2', 'field@lobby-1:3']);
    await waitFor(() => run.spacePushes('u5').length === 1);
    expect(run.spacePushes('u5')).toEqual([{ spaceId: 'field@lobby-1:3', type: 'field', lobbyId: 'lobby-1' }]);
    // A place freed in an earlier instance is taken first.
    await run.sessions.close('s-u1', 'logout');
    await run.bind('u6');
    expect(spaceIdOf(run, 'u6')).toBe('field@lobby-1');
    // An instance follows its type's emptyGraceMs.
    await run.sessions.close('s-u5', 'logout');
    await run.advance(1_000);
    expect(run.game.spaces.local('field@lobby-1:3')).toBeUndefined();
    expect(Object.keys(occupants(run))).toEqual(['field@lobby-1', 'field@lobby-1:2']);
  });

  it('never overfills an instance nor creates one twice when many players bind at once', async () => {
    const run = await start(3);
    const uids = Array.from({ length: 20 }, (_, i) => `u${i + 1}`);
    await Promise.all(uids.map((uid) => run.bind(uid)));
    const counts = occupants(run);
    expect(Object.values(counts).every((n) => n <= 3)).toBe(true);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(20);
    expect(Object.keys(counts).sort()).toEqual(['field@lobby-1', ...[2, 3, 4, 5, 6, 7].map((n) => `field@lobby-1:${n}`)].sort());
    expect(SpaceGameLog.filter((line) => line.startsWith('create:'))).toHaveLength(7);
    expect(uids.every((uid) => spaceIdOf(run, uid)?.startsWith('field@lobby-1'))).toBe(true);
  });

  it('sends a player back from a match to the first instance with room, and leaves one already in an instance where it is', async () => {
    const run = await start(2);
    for (const uid of ['u1', 'u2', 'u3']) await run.bind(uid);
    await run.game.spaces.create('match', { id: 'm1' });
    await run.game.spaces.enter('u1', 'm1');
    await run.bind('u4');
    expect(spaceIdOf(run, 'u4')).toBe('field@lobby-1');
    expect(await run.game.spaces.enterStart('u1')).toEqual({ id: 'field@lobby-1:2', type: 'field', lobbyId: 'lobby-1' });
    expect(spaceIdOf(run, 'u1')).toBe('field@lobby-1:2');
    expect(run.game.spaces.local('m1')!.playerCount).toBe(0);
    await waitFor(() => run.spacePushes('u1').length === 3);
    expect(run.spacePushes('u1').at(-1)).toEqual({ spaceId: 'field@lobby-1:2', type: 'field', lobbyId: 'lobby-1' });
    await waitFor(() => run.spacePushes('u3').length === 1);
    expect(await run.game.spaces.enterStart(run.lobby.avatarOf('u3')!)).toMatchObject({ id: 'field@lobby-1:2' });
    expect(run.spacePushes('u3')).toHaveLength(1);
    await expect(run.game.spaces.enterStart('nobody')).rejects.toMatchObject({ code: 'SPACE_ERR_NOT_A_PLAYER' });
  });

  it('leaves a player placed again in a start instance where it is, and tells its client so', async () => {
    const run = await start(1);
    await run.bind('u1');
    await run.bind('u2');
    await waitFor(() => run.spacePushes('u2').length === 1);
    // A bind naming a space that went away meanwhile: the player is in a start instance already.
    await run.spaces.placeOnBind(run.lobby.avatarOf('u2')!, 'gone');
    expect(spaceIdOf(run, 'u2')).toBe('field@lobby-1:2');
    await waitFor(() => run.spacePushes('u2').length === 2);
    expect(run.spacePushes('u2')[1]).toEqual({ spaceId: 'field@lobby-1:2', type: 'field', lobbyId: 'lobby-1' });
  });

  it('refuses enterStart in a game without a start space', async () => {
    running = await startSpaceLobby(spaceGame({}, null));
    await running.bind('u1');
    await expect(running.game.spaces.enterStart('u1')).rejects.toThrow(/no startSpace/);
  });

  it('makes instances beyond the first only within lobby.maxSpaces: past it a bind stays in the lobby world and enterStart fails', async () => {
    const run = await start(1, 2);
    for (const uid of ['u1', 'u2', 'u3']) await run.bind(uid);
    expect(occupants(run)).toEqual({ 'field@lobby-1': 1, 'field@lobby-1:2': 1 });
    expect(spaceIdOf(run, 'u3')).toBeUndefined();
    expect(run.logger.at('warn').some((l) => l.message.includes('every start space is full'))).toBe(true);
    await expect(run.game.spaces.enterStart('u3')).rejects.toMatchObject({ code: 'SPACE_ERR_TOO_MANY' });
    expect(spaceIdOf(run, 'u3')).toBeUndefined();
    await run.sessions.close('s-u1', 'logout');
    expect((await run.game.spaces.enterStart('u3')).id).toBe('field@lobby-1');
  });

  it('at the cap, still finds room in an instance past one that is gone', async () => {
    const run = await start(1, 3);
    for (const uid of ['u1', 'u2', 'u3']) await run.bind(uid);
    await run.sessions.close('s-u2', 'logout');
    await run.advance(1_000);
    expect(run.game.spaces.local('field@lobby-1:2')).toBeUndefined();
    await run.game.spaces.create('match', { id: 'm1' });
    await run.sessions.close('s-u3', 'logout');
    await run.bind('u4');
    expect(spaceIdOf(run, 'u4')).toBe('field@lobby-1:3');
    expect(run.game.spaces.local('field@lobby-1:2')).toBeUndefined();
  });
});

describe('reserveStartInstance', () => {
  it('gives up after `limit` instances, and passes on a creation error other than SPACE_ERR_TOO_MANY', async () => {
    const full = { reserve: () => false } as unknown as Space;
    const spaces: StartInstanceSpaces = { get: () => full, creating: () => undefined, open: () => Promise.reject(new Error('store down')) };
    expect(await reserveStartInstance(spaces, 'field', 'lobby-1', 4)).toBeUndefined();
    await expect(reserveStartInstance({ ...spaces, get: () => undefined }, 'field', 'lobby-1', 4)).rejects.toThrow('store down');
  });
});
