import type { TestServer } from 'tessera/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { View } from './arena-service.js';
import { killMonster, startArena } from './fixtures/arena-server.js';
import { MONSTER } from './rules.js';

let server: TestServer;

afterEach(async () => {
  await server?.stop();
});

describe('experience', () => {
  it('grows with a kill, which is pushed to the player as arena.kill', async () => {
    server = await startArena();
    const client = await server.connect({ transport: 'tcp' });
    const push = client.nextPush('arena.kill', { timeoutMs: 5_000 });
    await killMonster(server, client, 'monster-2');
    expect(await push).toEqual({ target: 'monster-2', xp: MONSTER.xp, totalXp: MONSTER.xp, kills: 1 });
    expect((await client.request<View>('arena.look')).you).toMatchObject({ xp: MONSTER.xp, kills: 1, deaths: 0 });
  });

  it('is saved: it is still there after the player logs out and in again', async () => {
    server = await startArena();
    const first = await server.connect({ transport: 'tcp', username: 'ada' });
    await killMonster(server, first, 'monster-3');
    await first.close();

    const again = await server.connect({ transport: 'ws', username: 'ada' });
    expect((await again.request<View>('arena.look')).you).toMatchObject({ xp: MONSTER.xp, kills: 1 });
  });
});
