/**
 * The inventory example played as its players would: simulated clients through the real login
 * service and gate, written against the public API and the test kit only.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from 'tessera/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Avatar } from './avatar.js';
import { Chat, Inventory, Position, Velocity } from './components.js';
import game from './index.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('the shop', () => {
  it('sells an item: the client gets the new inventory pushed, the avatar keeps it', async () => {
    server = await startTestServer({ game });
    const client = await server.connect();
    await client.request('Inventory.buy', 'sword', 30);
    expect(await client.nextPush('inventory.changed')).toEqual({ gold: Avatar.startingGold - 30, items: ['sword'] });
    expect(server.player<Avatar>(client).get(Inventory)).toMatchObject({ gold: 70, items: ['sword'] });
  });

  it.each([
    ['SHOP_ERR_POOR', 'castle', 1_000],
    ['SHOP_ERR_BAD_PRICE', 'sword', -1],
    ['SHOP_ERR_BAD_PRICE', 'sword', 1.5],
    ['SHOP_ERR_BAD_ITEM', '', 1],
    ['SHOP_ERR_BAD_ITEM', 'x'.repeat(Inventory.maxItemName + 1), 1],
  ] as const)('refuses with %s (%j for %j) and changes nothing', async (code, item, price) => {
    server = await startTestServer({ game });
    const client = await server.connect();
    await expect(client.request('Inventory.buy', item, price)).rejects.toMatchObject({ serverCode: code });
    expect(server.player<Avatar>(client).get(Inventory)).toMatchObject({ gold: Avatar.startingGold, items: [] });
    expect(client.kept('inventory.changed')).toEqual([]);
  });

  it('refuses with SHOP_ERR_FULL once the inventory holds its capacity', async () => {
    server = await startTestServer({ game });
    const client = await server.connect();
    server.player<Avatar>(client).get(Inventory).items = Array.from({ length: Inventory.capacity }, (_, i) => `pebble ${i}`);
    await expect(client.request('Inventory.buy', 'sword', 1)).rejects.toMatchObject({ serverCode: 'SHOP_ERR_FULL' });
  });

  it('grants gold to another server that asks, and refuses a bad grant with SHOP_ERR_BAD_GRANT', async () => {
    server = await startTestServer({ game });
    const client = await server.connect();
    const avatar = server.player<Avatar>(client);
    const remote = server.game.remote<{ Inventory: Inventory }>({ serverId: server.game.serverId, entityId: avatar.id });
    await remote.Inventory.grant(25);
    expect(avatar.get(Inventory).gold).toBe(Avatar.startingGold + 25);
    await expect(remote.Inventory.grant(0)).rejects.toMatchObject({ code: 'SHOP_ERR_BAD_GRANT' });
  });
});

describe('the chat', () => {
  it('sends a line to every player on the lobby, the speaker included', async () => {
    server = await startTestServer({ game });
    const ada = await server.connect({ transport: 'ws' });
    const bob = await server.connect({ transport: 'kcp' });
    expect(await ada.request('Chat.say', 'hello')).toBe(1); // one gate
    const line = { from: ada.uid, text: 'hello' };
    expect(await bob.nextPush('chat.message')).toEqual(line);
    expect(await ada.nextPush('chat.message')).toEqual(line);
  });

  it('refuses an empty or too long line with CHAT_ERR_BAD_TEXT', async () => {
    server = await startTestServer({ game });
    const ada = await server.connect();
    await expect(ada.request('Chat.say', '')).rejects.toMatchObject({ serverCode: 'CHAT_ERR_BAD_TEXT' });
    await expect(ada.request('Chat.say', 'x'.repeat(Chat.maxLength + 1))).rejects.toMatchObject({ serverCode: 'CHAT_ERR_BAD_TEXT' });
  });
});

describe('movement', () => {
  it('moves an avatar by its velocity each tick, and only when the game ticks', async () => {
    server = await startTestServer({ game, config: { lobby: { tickHz: 20 } } });
    const client = await server.connect();
    const avatar = server.player<Avatar>(client);
    const velocity = avatar.get(Velocity);
    velocity.x = 2;
    velocity.y = -1;
    const position = avatar.get(Position);
    expect([position.x, position.y]).toEqual([0, 0]);
    server.tick(10); // half a second
    expect(position.x).toBeCloseTo(1, 5);
    expect(position.y).toBeCloseTo(-0.5, 5);
    velocity.x = 0;
    server.tick(10);
    expect(position.x).toBeCloseTo(1, 5);
    expect(position.y).toBeCloseTo(-1, 5);
  });
});

describe('persistence', () => {
  it('keeps what a player bought across a logout and a login', async () => {
    server = await startTestServer({ game });
    const first = await server.connect({ username: 'ada' });
    await first.request('Inventory.buy', 'shield', 40);
    first.close();
    const again = await server.connect({ username: 'ada' });
    expect(server.player<Avatar>(again).get(Inventory)).toMatchObject({ gold: 60, items: ['shield'] });
    await again.request('Inventory.buy', 'potion', 5);
    expect(await again.nextPush('inventory.changed')).toEqual({ gold: 55, items: ['shield', 'potion'] });
  });

  it('keeps it across a server restart on the same store', async () => {
    const storeDir = await mkdtemp(join(tmpdir(), 'inventory-store-'));
    try {
      server = await startTestServer({ game, storeDir });
      const before = await server.connect({ username: 'bob' });
      await before.request('Inventory.buy', 'bow', 25);
      await server.stop();

      server = await startTestServer({ game, storeDir });
      const after = await server.connect({ username: 'bob' });
      expect(after.uid).toBe(before.uid);
      expect(server.player<Avatar>(after).get(Inventory)).toMatchObject({ gold: 75, items: ['bow'] });
    } finally {
      await server?.stop();
      await rm(storeDir, { recursive: true, force: true });
    }
  });
});
