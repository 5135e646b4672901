import type { TestServer } from 'tessera/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Health, Position } from './body.js';
import { heroOf, monster, startArena, ticks } from './fixtures/arena-server.js';
import { HERO, MONSTER, fieldId, monsterId } from './rules.js';

let server: TestServer;

afterEach(async () => {
  await server?.stop();
});

function distance(a: Position, b: Position): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

describe('monsters', () => {
  it('are spawned in the lobby\'s field when the lobby starts, each at its home with full health', async () => {
    server = await startArena();
    MONSTER.homes.forEach((home, i) => {
      const spawned = monster(server, monsterId(i));
      expect(spawned.space?.id).toBe(fieldId(server.game.serverId));
      expect(spawned.get(Position)).toMatchObject(home);
      expect(spawned.get(Health).hp).toBe(MONSTER.maxHp);
    });
  });

  it('wander around their homes while no hero is near', async () => {
    server = await startArena();
    const wanderer = monster(server, 'monster-1');
    server.tick(ticks(1));
    const home = MONSTER.homes[0]!;
    const moved = Math.hypot(wanderer.get(Position).x - home.x, wanderer.get(Position).y - home.y);
    expect(moved).toBeGreaterThan(0);
    server.tick(ticks(60));
    // A leashed monster strays a little past its leash at most before it turns back.
    const strayed = Math.hypot(wanderer.get(Position).x - home.x, wanderer.get(Position).y - home.y);
    expect(strayed).toBeLessThan(MONSTER.leash + MONSTER.speed);
  });

  it('chase the nearest hero in range and hit it once close enough', async () => {
    server = await startArena();
    const client = await server.connect({ transport: 'tcp' });
    const hero = heroOf(server, client);
    const hunter = monster(server, 'monster-1');
    // The hero stands just inside the monster's aggro range, and does not move.
    hero.get(Position).x = hunter.get(Position).x + MONSTER.aggroRange - 1;
    hero.get(Position).y = hunter.get(Position).y;
    const before = distance(hero.get(Position), hunter.get(Position));
    server.tick(ticks(0.5));
    expect(distance(hero.get(Position), hunter.get(Position))).toBeLessThan(before);
    expect(hero.get(Health).hp).toBe(HERO.maxHp);

    server.tick(ticks(3));
    expect(distance(hero.get(Position), hunter.get(Position))).toBeLessThanOrEqual(MONSTER.attackRange);
    expect(hero.get(Health).hp).toBeLessThan(HERO.maxHp);
  });

  it('leave alone a hero out of their range', async () => {
    server = await startArena();
    const client = await server.connect({ transport: 'tcp' });
    const hero = heroOf(server, client);
    // The spawn point is farther than aggro range from every home, and wandering stays leashed.
    server.tick(ticks(10));
    expect(hero.get(Health).hp).toBe(HERO.maxHp);
  });
});
