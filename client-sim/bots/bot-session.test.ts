import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { SYSTEM_ROUTE } from '../../engine/protocol/constants.js';
import { BotMetrics } from './bot-metrics.js';
import { createBot, type BotHandle } from './bot-session.js';
import { BotError } from './errors.js';
import { memoryGate, settle, type MemoryGate } from './fixtures/memory-gate.js';
import { thinkTime } from './think-time.js';

async function bot(): Promise<{ bot: BotHandle; gate: MemoryGate; metrics: BotMetrics; logged: string[] }> {
  const gate = await memoryGate();
  const metrics = new BotMetrics(0, gate.clock, gate.clock.now());
  const logged: string[] = [];
  const b = createBot({
    index: 7,
    username: 'bot-7',
    uid: 'u-7',
    transport: 'tcp',
    client: gate.client,
    metrics,
    clock: gate.clock,
    random: () => 0.5,
    log: (line) => logged.push(line),
  });
  return { bot: b, gate, metrics, logged };
}

/** What `promise` rejects with (a test fails when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: Error) => err,
  );
}

const p99Ms = (histogram: string): number => decodeFromCompressedBase64(histogram).getValueAtPercentile(99) / 1000;

describe('Bot requests and notifies', () => {
  it('times a request on its clock under its route and returns the result', async () => {
    const { bot: b, gate, metrics } = await bot();
    const reply = b.request<{ echoed: number }>('Echo.echo', 42);
    await settle();
    gate.clock.advance(25);
    gate.answer('Echo.echo', { result: { echoed: 42 } });
    await expect(reply).resolves.toEqual({ echoed: 42 });
    const s = metrics.snapshot();
    expect(s.routes['Echo.echo']).toMatchObject({ count: 1, errors: 0 });
    expect(p99Ms(s.routes['Echo.echo']!.histogram)).toBeCloseTo(25, 1);
    expect(s.errors).toEqual({});
  });

  it("counts a refusal under the server's code and rethrows it", async () => {
    const { bot: b, gate, metrics } = await bot();
    const reply = rejection(b.request('Shop.buy', 'sword'));
    await settle();
    gate.answer('Shop.buy', { error: { code: 4001, name: 'SHOP_ERR_NO_GOLD', message: 'not enough gold' } });
    expect(await reply).toMatchObject({ name: 'RequestError', serverCode: 'SHOP_ERR_NO_GOLD' });
    const s = metrics.snapshot();
    expect(s.routes['Shop.buy']).toMatchObject({ count: 1, errors: 1 });
    expect(s.errors).toEqual({ SHOP_ERR_NO_GOLD: 1 });
    expect(s.samples[0]).toMatch(/^SHOP_ERR_NO_GOLD: .*not enough gold/);
  });

  it("counts a failure without a server's word under the SDK's code", async () => {
    const { bot: b, metrics } = await bot();
    expect(await rejection(b.request(''))).toMatchObject({ code: 'CLIENT_ERR_INVALID_ROUTE' });
    expect(metrics.snapshot().errors).toEqual({ CLIENT_ERR_INVALID_ROUTE: 1 });
  });

  it('counts notifies, and a notify the SDK refuses under its code', async () => {
    const { bot: b, gate, metrics } = await bot();
    b.notify('Controls.move', 1, 2);
    b.notify('Controls.move', 2, 2);
    expect(() => b.notify('')).toThrow(/CLIENT_ERR_INVALID_ROUTE/);
    await settle();
    expect(gate.notifies).toEqual(['Controls.move', 'Controls.move']);
    const s = metrics.snapshot();
    expect(s.notifies).toBe(2);
    expect(s.errors).toEqual({ CLIENT_ERR_INVALID_ROUTE: 1 });
  });

  it('takes requests and notifies that fail because the client closed after the stop as BOT_ERR_STOPPED, not errors', async () => {
    const { bot: b, gate, metrics } = await bot();
    const reply = rejection(b.request('Slow.route'));
    await settle();
    b.stop();
    gate.client.close();
    expect(await reply).toMatchObject({ name: 'BotError', code: 'BOT_ERR_STOPPED', cause: { code: 'CLIENT_ERR_CLOSED' } });
    expect(metrics.failure(await reply)).toBeUndefined();
    expect(await rejection(b.request('Echo.echo'))).toMatchObject({ code: 'BOT_ERR_STOPPED', cause: { code: 'CLIENT_ERR_NOT_OPEN' } });
    expect(() => b.notify('Controls.move')).toThrow(expect.objectContaining({ code: 'BOT_ERR_STOPPED' }));
    const s = metrics.snapshot();
    expect(s.errors).toEqual({});
    expect(s.routes).toEqual({});
  });
});

describe('Bot think times', () => {
  it('waits for a time drawn with its random numbers', async () => {
    const { bot: b, gate } = await bot();
    let done = false;
    void b.think(thinkTime.uniform(100, 300)).then(() => (done = true));
    gate.clock.advance(199);
    await settle();
    expect(done).toBe(false);
    gate.clock.advance(1);
    await settle();
    expect(done).toBe(true);
    expect(b.random()).toBe(0.5);
  });

  it('ends early when the run stops, and returns at once after it', async () => {
    const { bot: b, gate } = await bot();
    const timers = gate.clock.pendingCount;
    const thinking = b.think(60_000);
    expect(gate.clock.pendingCount).toBe(timers + 1);
    b.stop();
    await expect(thinking).resolves.toBeUndefined();
    expect(gate.clock.pendingCount).toBe(timers);
    await expect(b.think(60_000)).resolves.toBeUndefined();
    expect(gate.clock.pendingCount).toBe(timers);
  });
});

describe('Bot waits for pushes', () => {
  it('resolves with the next push on the route that matches, timed under push:<route>', async () => {
    const { bot: b, gate, metrics } = await bot();
    const timers = gate.clock.pendingCount;
    const waiting = b.waitForPush<{ item: string }>('inventory.changed', { where: (body) => body.item === 'sword' });
    gate.clock.advance(10);
    gate.push('inventory.changed', { item: 'shield' });
    await settle();
    gate.clock.advance(30);
    gate.push('inventory.changed', { item: 'sword' });
    await expect(waiting).resolves.toEqual({ item: 'sword' });
    const s = metrics.snapshot();
    expect(s.routes['push:inventory.changed']).toMatchObject({ count: 1, errors: 0 });
    expect(p99Ms(s.routes['push:inventory.changed']!.histogram)).toBeCloseTo(40, 1);
    expect(s.pushes).toBe(2);
    expect(gate.clock.pendingCount).toBe(timers);
  });

  it('fails with BOT_ERR_PUSH_TIMEOUT after timeoutMs, counted as an error', async () => {
    const { bot: b, gate, metrics } = await bot();
    const waiting = rejection(b.waitForPush('match.found', { timeoutMs: 2_000 }));
    gate.clock.advance(2_000);
    const err = await waiting;
    expect(err).toBeInstanceOf(BotError);
    expect(err).toMatchObject({ code: 'BOT_ERR_PUSH_TIMEOUT', detail: 'bot-7: no push on match.found within 2000 ms' });
    const s = metrics.snapshot();
    expect(s.errors).toEqual({ BOT_ERR_PUSH_TIMEOUT: 1 });
    expect(s.routes['push:match.found']).toMatchObject({ count: 1, errors: 1 });
    gate.push('match.found', {});
    await settle();
    expect(metrics.snapshot().routes).toEqual({});
  });

  it('fails with what `where` threw, counted under its name', async () => {
    const { bot: b, gate, metrics } = await bot();
    const waiting = rejection(b.waitForPush('match.found', { where: () => { throw new TypeError('bad body'); } }));
    gate.push('match.found', 1);
    expect(await waiting).toMatchObject({ name: 'TypeError' });
    expect(metrics.snapshot().errors).toEqual({ TypeError: 1 });
  });

  it('fails with BOT_ERR_STOPPED when the run stops, not counted, leaving no timer', async () => {
    const { bot: b, gate, metrics } = await bot();
    const timers = gate.clock.pendingCount;
    const waiting = rejection(b.waitForPush('match.found'));
    b.stop();
    expect(await waiting).toMatchObject({ code: 'BOT_ERR_STOPPED' });
    expect(gate.clock.pendingCount).toBe(timers);
    expect(await rejection(b.waitForPush('match.found'))).toMatchObject({ code: 'BOT_ERR_STOPPED' });
    expect(metrics.snapshot().errors).toEqual({});
  });

  it('never leaves an unhandled rejection from waits it was not awaited on, still counting a timeout', async () => {
    const { bot: b, gate, metrics } = await bot();
    const unhandled: unknown[] = [];
    const record = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      // Started before a request that failed: nobody awaits them.
      void b.waitForPush('match.found', { timeoutMs: 100 });
      void b.waitFor(() => false, { timeoutMs: 100 });
      void b.waitForPush('match.ended');
      gate.clock.advance(100);
      b.stop();
      void b.waitForPush('after.stop');
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      expect(metrics.snapshot().errors).toEqual({ BOT_ERR_PUSH_TIMEOUT: 1, BOT_ERR_WAIT_TIMEOUT: 1 });
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  it('refuses a timeout that is not a finite number of 0 or more', async () => {
    const { bot: b } = await bot();
    expect(() => b.waitForPush('x', { timeoutMs: -1 })).toThrow(RangeError);
  });
});

describe('Bot waits for the world', () => {
  const space = { spaceId: 'arena-1', type: 'arena', lobbyId: 'lobby-1' };

  it('resolves once the predicate holds, timed under wait:<label>', async () => {
    const { bot: b, gate, metrics } = await bot();
    const waiting = b.waitFor((w) => w.space?.id === 'arena-1', { label: 'in arena' });
    gate.clock.advance(15);
    gate.push(SYSTEM_ROUTE.SPACE, space);
    await expect(waiting).resolves.toBeUndefined();
    expect(b.world.space?.lobbyId).toBe('lobby-1');
    const s = metrics.snapshot();
    expect(s.routes['wait:in arena']).toMatchObject({ count: 1, errors: 0 });
    expect(p99Ms(s.routes['wait:in arena']!.histogram)).toBeCloseTo(15, 1);
  });

  it('fails with BOT_ERR_WAIT_TIMEOUT naming its label, counted under wait:world by default', async () => {
    const { bot: b, gate, metrics } = await bot();
    const waiting = rejection(b.waitFor((w) => w.entities.size > 3, { timeoutMs: 500 }));
    gate.clock.advance(500);
    expect(await waiting).toMatchObject({ name: 'BotError', code: 'BOT_ERR_WAIT_TIMEOUT', detail: 'bot-7: world did not hold within 500 ms', cause: { code: 'CLIENT_ERR_WAIT_TIMEOUT' } });
    const s = metrics.snapshot();
    expect(s.errors).toEqual({ BOT_ERR_WAIT_TIMEOUT: 1 });
    expect(s.routes['wait:world']).toMatchObject({ count: 1, errors: 1 });
  });

  it('fails with BOT_ERR_STOPPED when the run stops, not counted, leaving no timer', async () => {
    const { bot: b, gate, metrics } = await bot();
    const timers = gate.clock.pendingCount;
    const waiting = rejection(b.waitFor(() => false));
    expect(gate.clock.pendingCount).toBe(timers + 1);
    b.stop();
    expect(await waiting).toMatchObject({ code: 'BOT_ERR_STOPPED' });
    expect(gate.clock.pendingCount).toBe(timers);
    expect(metrics.snapshot().errors).toEqual({});
  });
});

describe('Bot checks, logs and stop', () => {
  it('counts checks, keeping the first failure with the bot name, and returns the condition', async () => {
    const { bot: b, metrics } = await bot();
    expect(b.check(true, 'hero seen')).toBe(true);
    expect(b.check(false, 'hero seen', 'no hero after 5 s')).toBe(false);
    const s = metrics.snapshot();
    expect(s.checks).toEqual({ 'hero seen': { pass: 1, fail: 1 } });
    expect(s.samples).toEqual(['check hero seen failed: bot-7: no hero after 5 s']);
  });

  it('logs with its name, for the watcher and the report', async () => {
    const { bot: b, metrics, logged } = await bot();
    b.log('bought a sword');
    expect(logged).toEqual(['bot-7: bought a sword']);
    expect(metrics.snapshot().samples).toEqual(['bot-7: bought a sword']);
  });

  it('is running until stopped; stopped settles once, and stop is idempotent', async () => {
    const { bot: b } = await bot();
    expect([b.running, b.index, b.username, b.uid, b.transport]).toEqual([true, 7, 'bot-7', 'u-7', 'tcp']);
    let settled = 0;
    void b.stopped.then(() => settled++);
    b.stop();
    b.stop();
    await b.stopped;
    expect([b.running, settled]).toEqual([false, 1]);
  });
});
