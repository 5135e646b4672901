/**
 * What a lobby syncs to its clients, end to end: a whole server (login, gate, lobby) from the
 * test kit running lobby/fixtures/sync-game.ts, clients over TCP with the SDK's world mirror fed
 * by the default sync stage (lobby/space-sync.ts) and the default decoder. The game's clock is
 * manual: each `server.tick()` is one step of every space, then one sync message per player.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorldMirror } from '../client-sim/world-mirror.js';
import { startTestServer, type TestServer } from '../testkit/test-server.js';
import type { TestClient } from '../testkit/test-client.js';
import { syncGame } from './fixtures/sync-game.js';

const WAIT_MS = 5_000;

const avatarOf = (client: TestClient): string => `avatar-${client.uid}`;
const ids = (world: WorldMirror): string[] => [...world.entities.keys()].sort();

describe('a lobby syncing its spaces to clients', () => {
  let server: TestServer;
  let field: string;

  beforeEach(async () => {
    server = await startTestServer({ game: syncGame() });
    field = `field@${server.game.serverId}`;
  });

  afterEach(async () => {
    await server.stop();
  });

  /** Two players in the field who see each other and the field's lamp. */
  async function twoInTheField(): Promise<[TestClient, TestClient]> {
    const ada = await server.connect();
    const bob = await server.connect();
    server.tick();
    const all = [avatarOf(ada), avatarOf(bob), `lamp@${field}`].sort();
    for (const client of [ada, bob]) await client.world.waitFor((w) => ids(w).join() === all.join(), WAIT_MS);
    return [ada, bob];
  }

  it('shows two players in one space each other, their moves, and the space, with owner-only fields to the owner only', async () => {
    const [ada, bob] = await twoInTheField();
    expect(ada.world.space).toMatchObject({ id: field, type: 'field', lobbyId: server.game.serverId });
    expect(ada.world.get(avatarOf(ada))).toMatchObject({ type: 'Hero', values: { Place: { x: 0, y: 0 }, Purse: { gold: 7, name: 'purse' } } });
    // Bob sees Ada's public fields, not her gold.
    expect(bob.world.get(avatarOf(ada))!.values).toEqual({ Place: { x: 0, y: 0 }, Purse: { name: 'purse' } });
    expect(bob.world.get(`lamp@${field}`)!.values).toEqual({ Glow: { level: 1 } });

    await ada.request('Place.walk', 3.25, -4);
    server.tick();
    await bob.world.waitFor((w) => w.get(avatarOf(ada))?.values['Place']?.['x'] === 3.25, WAIT_MS);
    expect(bob.world.get(avatarOf(ada))!.values['Place']).toEqual({ x: 3.25, y: -4 });
    expect(ada.world.get(avatarOf(ada))!.values['Place']).toEqual({ x: 3.25, y: -4 });
    expect([ada.world.faults, bob.world.faults]).toEqual([0, 0]);
  });

  it('takes a player out of the other\'s mirror once it walks out of view, and brings it back when it returns', async () => {
    const [ada, bob] = await twoInTheField();
    const removed: string[] = [];
    bob.world.onRemove((entity) => removed.push(entity.id));

    await ada.request('Place.walk', 10, 0); // exactly at the view radius: still seen
    server.tick();
    await bob.world.waitFor((w) => w.get(avatarOf(ada))?.values['Place']?.['x'] === 10, WAIT_MS);

    await ada.request('Place.walk', 10.5, 0);
    server.tick();
    await bob.world.waitFor((w) => !w.entities.has(avatarOf(ada)), WAIT_MS);
    await ada.world.waitFor((w) => !w.entities.has(avatarOf(bob)), WAIT_MS);
    expect(removed).toEqual([avatarOf(ada)]);
    // Each still sees itself and the lamp, which has no position.
    expect(ids(bob.world)).toEqual([avatarOf(bob), `lamp@${field}`].sort());
    expect(ids(ada.world)).toEqual([avatarOf(ada), `lamp@${field}`].sort());

    await ada.request('Place.walk', 1, 1);
    server.tick();
    await bob.world.waitFor((w) => w.get(avatarOf(ada))?.values['Place']?.['x'] === 1, WAIT_MS);
    expect(bob.world.get(avatarOf(ada))!.values).toEqual({ Place: { x: 1, y: 1 }, Purse: { name: 'purse' } });
  });

  it('sends a resumed connection a snapshot that rebuilds its mirror', async () => {
    const [ada, bob] = await twoInTheField();
    const sessionId = bob.sessionId;
    const removed: string[] = [];
    const added: string[] = [];
    bob.world.onRemove((entity) => removed.push(entity.id));
    bob.world.onAdd((entity) => added.push(entity.id));

    const reply = await bob.gate.reconnect();
    expect(reply).toMatchObject({ resumed: true, sessionId });
    // The gate told the lobby of the resume before it forwards bob's next request.
    await bob.request('Place.walk', 0, 0);
    await ada.request('Place.walk', 2, 2);
    server.tick();
    const all = [avatarOf(ada), avatarOf(bob), `lamp@${field}`].sort();
    await bob.world.waitFor(() => added.length === 3, WAIT_MS);
    expect(removed.sort()).toEqual(all);
    expect(added.sort()).toEqual(all);
    expect(bob.world.get(avatarOf(ada))!.values['Place']).toEqual({ x: 2, y: 2 });
    expect(bob.world.faults).toBe(0);
  });

  it('sends a new login of a player a snapshot of the space its avatar is in', async () => {
    const [ada, bob] = await twoInTheField();
    await ada.request('Place.walk', 5, 5);
    const again = await server.connect({ username: bob.username });
    server.tick();
    const all = [avatarOf(ada), avatarOf(bob), `lamp@${field}`].sort();
    await again.world.waitFor((w) => ids(w).join() === all.join(), WAIT_MS);
    expect(again.world.get(avatarOf(ada))!.values['Place']).toEqual({ x: 5, y: 5 });
    expect(again.world.get(avatarOf(bob))!.values['Purse']).toEqual({ gold: 7, name: 'purse' });
    expect(again.world.space).toMatchObject({ id: field, type: 'field' });
  });

  it('gives a player who changes space a snapshot of the new one, the old one\'s entities gone from its mirror', async () => {
    const [ada, bob] = await twoInTheField();
    const cave = (await server.game.spaces.create('cave', { id: 'cave-1', here: true })).id;

    await ada.request('travel.go', cave);
    await ada.request('Place.walk', 40, 40); // runs after the move
    server.tick();
    await ada.world.waitFor((w) => w.space?.id === cave && ids(w).join() === [avatarOf(ada), `lamp@${cave}`].sort().join(), WAIT_MS);
    expect(ada.world.space).toMatchObject({ id: cave, type: 'cave', lobbyId: server.game.serverId });
    // A space without an interest grid: its players see all of it, wherever they stand.
    expect(ada.world.get(avatarOf(ada))!.values).toEqual({ Place: { x: 40, y: 40 }, Purse: { gold: 7, name: 'purse' } });
    await bob.world.waitFor((w) => !w.entities.has(avatarOf(ada)), WAIT_MS);
    expect(ids(bob.world)).toEqual([avatarOf(bob), `lamp@${field}`].sort());

    await bob.request('travel.go', cave);
    await bob.request('Place.walk', -40, 0);
    server.tick();
    await ada.world.waitFor((w) => w.get(avatarOf(bob))?.values['Place']?.['x'] === -40, WAIT_MS);
    await bob.world.waitFor((w) => w.space?.id === cave && ids(w).join() === [avatarOf(ada), avatarOf(bob), `lamp@${cave}`].sort().join(), WAIT_MS);
    expect([ada.world.faults, bob.world.faults]).toEqual([0, 0]);
  });
});
