import type { TestServer } from 'tessera/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { heroOf, killMonster, startArena, ticks } from './fixtures/arena-server.js';
import type { RankEntry } from './leaderboard.js';
import { MONSTER } from './rules.js';

let server: TestServer;

afterEach(async () => {
  await server?.stop();
});

describe('the leaderboard', () => {
  it('is empty before anyone kills', async () => {
    server = await startArena();
    const client = await server.connect({ transport: 'tcp' });
    expect(await client.request('leaderboard.top')).toEqual([]);
  });

  it('ranks players across the lobby by experience, best first, for any player who asks', async () => {
    server = await startArena();
    const ada = await server.connect({ transport: 'tcp' });
    const bob = await server.connect({ transport: 'ws' });
    await killMonster(server, ada, 'monster-1');
    await killMonster(server, bob, 'monster-2');
    await server.tick(ticks(1));
    await killMonster(server, bob, 'monster-3');

    const expected: RankEntry[] = [
      { player: heroOf(server, bob).id, xp: 2 * MONSTER.xp },
      { player: heroOf(server, ada).id, xp: MONSTER.xp },
    ];
    expect(await ada.request('leaderboard.top')).toEqual(expected);
    expect(await bob.request('leaderboard.top', 1)).toEqual(expected.slice(0, 1));
  });

  it('is one entity behind a cluster-wide name, saved with the game', async () => {
    server = await startArena();
    const board = server.find('arena-leaderboard');
    expect(board?.typeName).toBe('Leaderboard');
  });
});
