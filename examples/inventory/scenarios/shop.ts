/**
 * The inventory example played by bots (`npm run bots -- examples/inventory/scenarios/shop.ts
 * --bots 200`). Each bot is a new account (100 gold, no items) that echoes, now and then buys a
 * cheap item and checks the `inventory.changed` push against what it bought, says a line in the
 * lobby's chat once in a while, and once its gold or its bag runs out checks that the shop
 * refuses it with the right code. A bot buys about once every four seconds, so an account lasts
 * a few minutes of buying before its bag is full.
 */
import { defineScenario, thinkTime, type Bot } from 'tessera/bots';
import type { GateClient } from 'tessera/client';

/** Most items an inventory holds (`Inventory.capacity` in components.ts). */
const CAPACITY = 64;
/** What the bots buy, cheap so that a bag fills before the gold runs out. */
const CATALOGUE = [
  { item: 'bread', price: 1 },
  { item: 'torch', price: 1 },
  { item: 'rope', price: 2 },
] as const;
/** Between two actions: the gaps of a Poisson process, as players act independently. */
const THINK = thinkTime.exponential(800, 5_000);
/** Share of rounds with a purchase. */
const BUY_SHARE = 0.4;
/** Share of rounds with a chat line: every player of the lobby receives it, so it stays rare. */
const CHAT_SHARE = 0.002;

/** What `inventory.changed` pushes. */
interface Changed {
  gold: number;
  items: string[];
}

/** What a bot knows of its inventory on this connection: nothing until its first purchase's push. */
interface Purse {
  gold: number | undefined;
  items: number | undefined;
  /** The refusals of a spent account were checked. */
  refusalsChecked: boolean;
}

// By connection: a bot that logs in again learns its inventory again from its next purchase.
const purses = new WeakMap<GateClient, Purse>();

function purseOf(bot: Bot): Purse {
  let purse = purses.get(bot.client);
  if (!purse) purses.set(bot.client, (purse = { gold: undefined, items: undefined, refusalsChecked: false }));
  return purse;
}

/** The server's code of a refusal. */
function codeOf(err: unknown): string | undefined {
  const code = (err as { serverCode?: unknown } | undefined)?.serverCode;
  return typeof code === 'string' ? code : undefined;
}

/** An echo of something of the bot's own, checked. */
async function echo(bot: Bot): Promise<void> {
  const sent = { bot: bot.index, roll: Math.floor(bot.random() * 1_000_000), text: 'ping' };
  const echoed = await bot.request<typeof sent>('Echo.echo', sent);
  bot.check(echoed?.bot === sent.bot && echoed.roll === sent.roll && echoed.text === sent.text, 'echo: the same value back', JSON.stringify(echoed));
}

/** Buys an item it can afford and checks the push that tells of it. */
async function buy(bot: Bot, purse: Purse): Promise<void> {
  const affordable = CATALOGUE.filter((entry) => purse.gold === undefined || entry.price <= purse.gold);
  const { item, price } = affordable[Math.floor(bot.random() * affordable.length)]!;
  // Waiting from before the request: the push may arrive before the reply. Marked handled at
  // once, so that the run stopping (or the request failing) before it is awaited is no unhandled rejection.
  const changed = bot.waitForPush<Changed>('inventory.changed', { timeoutMs: 5_000 });
  changed.catch(() => undefined);
  try {
    await bot.request('Inventory.buy', item, price);
  } catch (err) {
    // Counted already; the wait then ends by its timeout, which is counted too.
    const code = codeOf(err);
    if (code !== 'SHOP_ERR_POOR' && code !== 'SHOP_ERR_FULL') throw err;
    // A spent account found on a new connection.
    purse.gold = 0;
    return;
  }
  const body = await changed;
  if (purse.gold !== undefined && purse.items !== undefined) {
    bot.check(body.gold === purse.gold - price && body.items.length === purse.items + 1, 'buy: the push tells the new gold and items', `${JSON.stringify(body)} after ${purse.gold} gold, ${purse.items} items, ${item} for ${price}`);
  }
  bot.check(body.items[body.items.length - 1] === item, 'buy: the item is in the bag', JSON.stringify(body.items.slice(-3)));
  purse.gold = body.gold;
  purse.items = body.items.length;
}

/**
 * Once per spent account: the shop refuses what it cannot afford (`SHOP_ERR_POOR`), a full bag
 * (`SHOP_ERR_FULL`) and a nameless item (`SHOP_ERR_BAD_ITEM`). Sent through the client itself, so
 * that these expected refusals are not counted as the run's errors.
 */
async function checkRefusals(bot: Bot, purse: Purse): Promise<void> {
  purse.refusalsChecked = true;
  const refusal = (route: string, ...args: unknown[]): Promise<string | undefined> => bot.client.request(route, ...args).then(() => 'accepted', codeOf);
  bot.check((await refusal('Inventory.buy', 'castle', (purse.gold ?? 0) + 1_000)) === 'SHOP_ERR_POOR', 'refused: too dear');
  if (purse.items !== undefined && purse.items >= CAPACITY && (purse.gold ?? 0) >= 1) bot.check((await refusal('Inventory.buy', 'bread', 1)) === 'SHOP_ERR_FULL', 'refused: a full bag');
  bot.check((await refusal('Inventory.buy', '', 1)) === 'SHOP_ERR_BAD_ITEM', 'refused: an item without a name');
}

/** A line in the lobby's chat: it reaches the one gate of a standalone server, or more. */
async function say(bot: Bot): Promise<void> {
  const gates = await bot.request<number>('Chat.say', `hello from ${bot.username}`);
  bot.check(typeof gates === 'number' && gates >= 1, 'chat: the line reached a gate', String(gates));
}

export default defineScenario({
  name: 'inventory-shop',
  description: 'echoes, buys cheap items and checks each inventory.changed push, chats now and then, and checks the refusals of a spent account',
  // New accounts every run: each starts with 100 gold and an empty bag.
  accounts: { mode: 'register', prefix: 'shop-bot' },
  async iteration(bot) {
    const purse = purseOf(bot);
    await echo(bot);
    await bot.think(THINK);
    if (bot.random() < BUY_SHARE) {
      const spent = purse.gold !== undefined && (purse.gold < 1 || (purse.items ?? 0) >= CAPACITY);
      if (!spent) await buy(bot, purse);
      else if (!purse.refusalsChecked) await checkRefusals(bot, purse);
    }
    if (bot.random() < CHAT_SHARE) await say(bot);
    await bot.think(THINK);
  },
  // The 95th percentiles hold the game to its targets; the 99th only to no stall of half a second:
  // the bots and the server may share a machine, whose other work shows in the slowest percent.
  objectives: [
    { kind: 'latency', route: 'Echo.echo', percentile: 95, belowMs: 50 },
    { kind: 'latency', route: 'Echo.echo', percentile: 99, belowMs: 500 },
    { kind: 'latency', route: 'Inventory.buy', percentile: 95, belowMs: 100 },
    { kind: 'latency', route: 'push:inventory.changed', percentile: 95, belowMs: 100 },
    { kind: 'errorRate', below: 0.001 },
  ],
});
