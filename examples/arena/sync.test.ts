import type { TestServer } from 'tessera/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Position } from './body.js';
import { heroOf, startArena, ticks } from './fixtures/arena-server.js';
import { FIELD, HERO, MONSTER, fieldId, monsterId } from './rules.js';

let server: TestServer;

afterEach(async () => {
  await server?.stop();
});

describe('what a client sees, synced every tick (client.world)', () => {
  it('its own hero with its experience, another player\'s hero without it, and that hero walking', async () => {
    server = await startArena();
    const alice = await server.connect({ transport: 'tcp' });
    const bob = await server.connect({ transport: 'ws' });
    const aliceHero = heroOf(server, alice);
    const bobHero = heroOf(server, bob);
    server.tick(1);
    await alice.world.waitFor((w) => w.get(aliceHero.id) !== undefined && w.get(bobHero.id) !== undefined, 5_000);
    expect(alice.world.space).toMatchObject({ id: fieldId(server.game.serverId), type: FIELD.type });
    expect(alice.world.get(aliceHero.id)).toMatchObject({ type: 'Hero', values: { Position: HERO.spawn, Health: { hp: HERO.maxHp }, Experience: { xp: 0, kills: 0, deaths: 0 } } });
    expect(alice.world.get(bobHero.id)!.values).toEqual({ Position: HERO.spawn, Health: { hp: HERO.maxHp } });

    await bob.request('Controls.move', 1, 0);
    server.tick(ticks(1));
    await alice.world.waitFor((w) => Number(w.get(bobHero.id)?.values['Position']?.['x']) > HERO.spawn.x + HERO.speed - 0.5, 5_000);
    expect(Number(alice.world.get(bobHero.id)!.values['Position']!['x'])).toBeCloseTo(bobHero.get(Position).x, 2);
  });

  it('a monster comes into view as the hero walks up to it, and leaves it as the hero walks away', async () => {
    server = await startArena();
    const client = await server.connect({ transport: 'tcp' });
    const hero = heroOf(server, client);
    const home = MONSTER.homes[0]!;
    server.tick(1);
    await client.world.waitFor((w) => w.get(hero.id) !== undefined, 5_000);
    expect(client.world.get(monsterId(0))).toBeUndefined();

    Object.assign(hero.get(Position), { x: home.x + FIELD.viewRadius - 8, y: home.y });
    server.tick(1);
    await client.world.waitFor((w) => w.get(monsterId(0)) !== undefined, 5_000);
    expect(client.world.get(monsterId(0))).toMatchObject({ type: 'Monster', values: { Health: { hp: MONSTER.maxHp } } });

    Object.assign(hero.get(Position), { x: home.x + FIELD.viewRadius + 8, y: home.y });
    server.tick(1);
    await client.world.waitFor((w) => w.get(monsterId(0)) === undefined, 5_000);
  });
});
