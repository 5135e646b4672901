import type { TestServer } from 'tessera/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { View } from './arena-service.js';
import { Position } from './body.js';
import { heroOf, monster, startArena } from './fixtures/arena-server.js';
import { FIELD, HERO, MONSTER, fieldId, monsterId } from './rules.js';

let server: TestServer;

afterEach(async () => {
  await server?.stop();
});

describe('the field', () => {
  it('is where every player starts, at the spawn point', async () => {
    server = await startArena();
    const client = await server.connect({ transport: 'tcp' });
    const hero = heroOf(server, client);
    expect(hero.space?.id).toBe(fieldId(server.game.serverId));
    expect(hero.get(Position)).toMatchObject(HERO.spawn);
    expect((await client.request<View>('arena.look')).space).toEqual({ id: fieldId(server.game.serverId), type: FIELD.type });
  });

  it('shows a player what is within its view radius and nothing farther (arena.look)', async () => {
    server = await startArena();
    const alice = await server.connect({ transport: 'tcp' });
    const bob = await server.connect({ transport: 'ws' });
    const home = MONSTER.homes[0]!;
    // Alice stands well within the view radius of monster-1's home, Bob beside her a little past it.
    Object.assign(heroOf(server, alice).get(Position), { x: home.x, y: home.y + FIELD.viewRadius - 4 });
    Object.assign(heroOf(server, bob).get(Position), { x: home.x + 3, y: home.y + FIELD.viewRadius + 4 });
    server.tick(1);
    const seenByAlice = await alice.request<View>('arena.look');
    expect(seenByAlice.monsters.map((m) => m.id)).toEqual([monsterId(0)]);
    expect(seenByAlice.heroes.map((h) => h.id)).toEqual([heroOf(server, bob).id]);
    const seenByBob = await bob.request<View>('arena.look');
    expect(seenByBob.monsters).toEqual([]);
    expect(seenByBob.heroes.map((h) => h.id)).toEqual([heroOf(server, alice).id]);
  });
});
