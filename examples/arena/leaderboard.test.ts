import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from 'tessera/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { heroOf, killMonster, startArena, ticks } from './fixtures/arena-server.js';
import game from './index.js';
import { Ranking, type RankEntry } from './leaderboard.js';
import { LEADERBOARD, MONSTER } from './rules.js';

let server: TestServer | undefined;
let storeDir: string | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
  if (storeDir) await rm(storeDir, { recursive: true, force: true });
  storeDir = undefined;
});

function ranking(running: TestServer): Ranking {
  return running.find(LEADERBOARD.id)!.get(Ranking);
}

describe('the leaderboard', () => {
  it('is empty before anyone kills', async () => {
    server = await startArena();
    const client = await server.connect({ transport: 'tcp' });
    expect(await client.request('leaderboard.top')).toEqual([]);
  });

  it('ranks players by experience, best first, for any player who asks', async () => {
    server = await startArena();
    const ada = await server.connect({ transport: 'tcp' });
    const bob = await server.connect({ transport: 'ws' });
    await killMonster(server, ada, 'monster-1');
    await killMonster(server, bob, 'monster-2');
    server.tick(ticks(1));
    await killMonster(server, bob, 'monster-3');

    const expected: RankEntry[] = [
      { player: heroOf(server, bob).id, xp: 2 * MONSTER.xp },
      { player: heroOf(server, ada).id, xp: MONSTER.xp },
    ];
    expect(await ada.request('leaderboard.top')).toEqual(expected);
    expect(await bob.request('leaderboard.top', 1)).toEqual(expected.slice(0, 1));
  });

  it('is saved: a server started again on the same store loads it under its name', async () => {
    storeDir = await mkdtemp(join(tmpdir(), 'arena-store-'));
    server = await startTestServer({ game, clock: 'manual', storeDir });
    const ada = await server.connect({ transport: 'tcp', username: 'ada' });
    await killMonster(server, ada, 'monster-1');
    const player = heroOf(server, ada).id;
    await server.stop();

    server = await startTestServer({ game, clock: 'manual', storeDir });
    const bob = await server.connect({ transport: 'tcp' });
    expect(await bob.request('leaderboard.top')).toEqual([{ player, xp: MONSTER.xp }]);
  });

  it('keeps its best players only, at most its capacity', async () => {
    server = await startArena();
    const board = ranking(server);
    for (let i = 0; i <= LEADERBOARD.capacity; i++) board.record(`player-${i}`, i);
    expect(board.entries).toHaveLength(LEADERBOARD.capacity);
    expect(board.entries[0]).toEqual({ player: `player-${LEADERBOARD.capacity}`, xp: LEADERBOARD.capacity });
    expect(board.entries.some((entry) => entry.player === 'player-0')).toBe(false);
    // A player's new total replaces the old one.
    board.record('player-1', 1_000);
    expect(board.top(1)).toEqual([{ player: 'player-1', xp: 1_000 }]);
    expect(board.entries.filter((entry) => entry.player === 'player-1')).toHaveLength(1);
  });

  it('refuses a record without a player or with experience that is not a finite number >= 0', async () => {
    server = await startArena();
    const board = ranking(server);
    expect(() => board.record('', 1)).toThrow(TypeError);
    expect(() => board.record('player-1', -1)).toThrow(TypeError);
    expect(() => board.record('player-1', Number.NaN)).toThrow(TypeError);
    expect(() => board.record('player-1', Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect(board.entries).toEqual([]);
  });

  it('is a global of the game: lost, it is taken again from the store, and a call made meanwhile waits for it', async () => {
    server = await startArena();
    const client = await server.connect({ transport: 'tcp' });
    const lost = server.find(LEADERBOARD.id)!;
    lost.destroy();
    expect(await client.request('leaderboard.top')).toEqual([]);
    expect(server.find(LEADERBOARD.id)).toBeDefined();
    expect(server.find(LEADERBOARD.id)).not.toBe(lost);
  });

  it('answers ARENA_ERR_NO_LEADERBOARD when no lobby runs the leaderboard within the wait', async () => {
    // No look at the globals' owners before the wait ends: the lost leaderboard stays lost.
    server = await startArena({ globalCheckMs: 600_000 });
    const client = await server.connect({ transport: 'tcp' });
    server.find(LEADERBOARD.id)!.destroy();
    await expect(client.request('leaderboard.top')).rejects.toMatchObject({ serverCode: 'ARENA_ERR_NO_LEADERBOARD' });
  });
});
