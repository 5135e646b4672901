import type { TestServer } from 'tessera/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { View } from './arena-service.js';
import { Health, Position } from './body.js';
import { heroOf, monster, standNextTo, startArena, ticks } from './fixtures/arena-server.js';
import { ARENA_SIZE, FIELD, HERO, MONSTER, fieldId, monsterId } from './rules.js';

let server: TestServer;

afterEach(async () => {
  await server?.stop();
});

describe('movement: the client sends directions, the server moves the hero', () => {
  it('walks the hero at its speed in the direction its client set, and stops it on (0, 0)', async () => {
    server = await startArena();
    const client = await server.connect({ transport: 'tcp' });
    const hero = heroOf(server, client);
    expect(hero.get(Position)).toMatchObject({ x: HERO.spawn.x, y: HERO.spawn.y });

    await client.request('Controls.move', 0, -1);
    server.tick(ticks(1));
    expect(hero.get(Position).x).toBeCloseTo(HERO.spawn.x, 3);
    expect(hero.get(Position).y).toBeCloseTo(HERO.spawn.y - HERO.speed, 3);

    await client.request('Controls.move', 0, 0);
    server.tick(ticks(1));
    expect(hero.get(Position).y).toBeCloseTo(HERO.spawn.y - HERO.speed, 3);
    const view = await client.request<View>('arena.look');
    expect(view.you).toMatchObject({ id: hero.id, hp: HERO.maxHp });
    expect(view.you!.y).toBeCloseTo(HERO.spawn.y - HERO.speed, 3);
  });

  it('shows each player the other players\' heroes where they walked (arena.look)', async () => {
    server = await startArena();
    const alice = await server.connect({ transport: 'tcp' });
    const bob = await server.connect({ transport: 'ws' });
    const aliceHero = heroOf(server, alice);
    await alice.request('Controls.move', 1, 0);
    server.tick(ticks(1));
    const seenByBob = await bob.request<View>('arena.look');
    expect(seenByBob.you!.id).toBe(heroOf(server, bob).id);
    expect(seenByBob.heroes).toEqual([{ id: aliceHero.id, x: expect.closeTo(HERO.spawn.x + HERO.speed, 3), y: HERO.spawn.y, hp: HERO.maxHp }]);
    expect((await alice.request<View>('arena.look')).heroes.map((h) => h.id)).toEqual([seenByBob.you!.id]);
  });

  it('takes a direction sent as a notify too, in order with the session\'s requests', async () => {
    server = await startArena();
    const client = await server.connect({ transport: 'kcp' });
    const hero = heroOf(server, client);
    client.notify('Controls.move', -1, 0);
    // The session's requests run in arrival order: once this answers, the notify has run.
    await client.request('arena.look');
    server.tick(ticks(1));
    expect(hero.get(Position).x).toBeCloseTo(HERO.spawn.x - HERO.speed, 3);
  });

  it('never moves a hero faster than its speed, however long the direction a client sends', async () => {
    server = await startArena();
    const client = await server.connect({ transport: 'tcp' });
    const hero = heroOf(server, client);
    await client.request('Controls.move', 300, 400);
    server.tick(ticks(1));
    expect(hero.get(Position).x).toBeCloseTo(HERO.spawn.x + 0.6 * HERO.speed, 3);
    expect(hero.get(Position).y).toBeCloseTo(HERO.spawn.y + 0.8 * HERO.speed, 3);
  });

  it('keeps the hero inside the arena', async () => {
    server = await startArena();
    const client = await server.connect({ transport: 'tcp' });
    const hero = heroOf(server, client);
    await client.request('Controls.move', 1, 0);
    server.tick(ticks(ARENA_SIZE / HERO.speed + 1));
    expect(hero.get(Position).x).toBe(ARENA_SIZE);
  });

  it('refuses a direction that is not two finite numbers with ARENA_ERR_BAD_INPUT', async () => {
    server = await startArena();
    const client = await server.connect({ transport: 'tcp' });
    await expect(client.request('Controls.move', 'north', 1)).rejects.toMatchObject({ serverCode: 'ARENA_ERR_BAD_INPUT' });
    await expect(client.request('Controls.move', 1)).rejects.toMatchObject({ serverCode: 'ARENA_ERR_BAD_INPUT' });
  });
});

describe('attack: checked by the server', () => {
  it('refuses a target that is no living monster with ARENA_ERR_NO_TARGET', async () => {
    server = await startArena();
    const client = await server.connect({ transport: 'tcp' });
    await expect(client.request('Controls.attack', 'monster-99')).rejects.toMatchObject({ serverCode: 'ARENA_ERR_NO_TARGET' });
    await expect(client.request('Controls.attack', 42)).rejects.toMatchObject({ serverCode: 'ARENA_ERR_NO_TARGET' });
    // A hero is no monster.
    await expect(client.request('Controls.attack', heroOf(server, client).id)).rejects.toMatchObject({ serverCode: 'ARENA_ERR_NO_TARGET' });
    // Nor is a monster that is down.
    monster(server, 'monster-1').get(Health).hp = 0;
    await expect(client.request('Controls.attack', 'monster-1')).rejects.toMatchObject({ serverCode: 'ARENA_ERR_NO_TARGET' });
  });

  it('refuses a monster beyond the hero\'s reach with ARENA_ERR_OUT_OF_RANGE, and leaves it unhurt', async () => {
    server = await startArena();
    const client = await server.connect({ transport: 'tcp' });
    // Every monster starts far from the spawn point.
    await expect(client.request('Controls.attack', 'monster-1')).rejects.toMatchObject({ serverCode: 'ARENA_ERR_OUT_OF_RANGE' });
    expect(monster(server, 'monster-1').get(Health).hp).toBe(MONSTER.maxHp);
  });

  it('refuses a monster of another field with ARENA_ERR_NO_TARGET, even one standing within reach', async () => {
    server = await startArena();
    const client = await server.connect({ transport: 'tcp' });
    const second = `${fieldId(server.game.serverId)}:2`;
    await server.game.spaces.create(FIELD.type, { id: second, here: true });
    const elsewhere = monster(server, monsterId(0, second));
    standNextTo(heroOf(server, client), elsewhere);
    await expect(client.request('Controls.attack', elsewhere.id)).rejects.toMatchObject({ serverCode: 'ARENA_ERR_NO_TARGET' });
    expect(elsewhere.get(Health).hp).toBe(MONSTER.maxHp);
  });

  it('hits a monster in reach, then refuses with ARENA_ERR_COOLDOWN until the cooldown is over', async () => {
    server = await startArena();
    const client = await server.connect({ transport: 'tcp' });
    const hero = heroOf(server, client);
    const target = monster(server, 'monster-1');
    standNextTo(hero, target);
    expect(await client.request('Controls.attack', 'monster-1')).toEqual({ result: 'hit', hp: MONSTER.maxHp - HERO.damage });
    await expect(client.request('Controls.attack', 'monster-1')).rejects.toMatchObject({ serverCode: 'ARENA_ERR_COOLDOWN' });
    server.tick(ticks(HERO.attackCooldown) - 1);
    standNextTo(hero, target);
    await expect(client.request('Controls.attack', 'monster-1')).rejects.toMatchObject({ serverCode: 'ARENA_ERR_COOLDOWN' });
    server.tick(1);
    standNextTo(hero, target);
    expect(await client.request('Controls.attack', 'monster-1')).toEqual({ result: 'killed', xp: MONSTER.xp });
  });

  it('refuses to move or attack while the hero is down with ARENA_ERR_DEAD', async () => {
    server = await startArena();
    const client = await server.connect({ transport: 'tcp' });
    heroOf(server, client).get(Health).hp = 0;
    await expect(client.request('Controls.move', 1, 0)).rejects.toMatchObject({ serverCode: 'ARENA_ERR_DEAD' });
    await expect(client.request('Controls.attack', 'monster-1')).rejects.toMatchObject({ serverCode: 'ARENA_ERR_DEAD' });
  });
});
