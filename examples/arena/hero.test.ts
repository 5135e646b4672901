import type { TestServer } from 'tessera/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { View } from './arena-service.js';
import { Health, Position } from './body.js';
import { Experience } from './experience.js';
import { heroOf, killMonster, monster, standNextTo, startArena, ticks } from './fixtures/arena-server.js';
import { HERO, MONSTER } from './rules.js';

let server: TestServer;

afterEach(async () => {
  await server?.stop();
});

describe('death and respawn', () => {
  it('a hero downed by a monster is told (arena.death), counts the death, and respawns at the spawn point (arena.respawn)', async () => {
    server = await startArena();
    const client = await server.connect({ transport: 'tcp' });
    const hero = heroOf(server, client);
    standNextTo(hero, monster(server, 'monster-1'));
    hero.get(Health).hp = MONSTER.damage;
    const death = client.nextPush('arena.death', { timeoutMs: 5_000 });
    server.tick(ticks(0.5));
    expect(await death).toEqual({ respawnInMs: HERO.respawnMs });
    expect(hero.get(Health).hp).toBe(0);
    expect(hero.get(Experience).deaths).toBe(1);
    await expect(client.request('Controls.move', 1, 0)).rejects.toMatchObject({ serverCode: 'ARENA_ERR_DEAD' });

    const respawn = client.nextPush('arena.respawn', { timeoutMs: 5_000 });
    server.tick(ticks(HERO.respawnMs / 1000));
    expect(await respawn).toEqual({ x: HERO.spawn.x, y: HERO.spawn.y, hp: HERO.maxHp });
    expect(hero.get(Position)).toMatchObject({ x: HERO.spawn.x, y: HERO.spawn.y });
    await client.request('Controls.move', 1, 0);
  });

  it('a killed monster lies down, cannot be attacked, and comes back home with full health after its respawn time', async () => {
    server = await startArena();
    const client = await server.connect({ transport: 'tcp' });
    await killMonster(server, client, 'monster-4');
    const look = async (): Promise<View['monsters'][number]> => (await client.request<View>('arena.look')).monsters.find((m) => m.id === 'monster-4')!;
    expect((await look()).hp).toBe(0);
    server.tick(ticks(HERO.attackCooldown));
    standNextTo(heroOf(server, client), monster(server, 'monster-4'));
    await expect(client.request('Controls.attack', 'monster-4')).rejects.toMatchObject({ serverCode: 'ARENA_ERR_NO_TARGET' });

    server.tick(ticks(MONSTER.respawnMs / 1000 - HERO.attackCooldown));
    const home = MONSTER.homes[3]!;
    expect(await look()).toEqual({ id: 'monster-4', x: home.x, y: home.y, hp: MONSTER.maxHp });
  });
});
