/**
 * The hub on a real Redis: the contract, one channel subscription per topic and process, and a
 * Redis restart under subscribers (a Redis of this file's own, halted and restarted on its port).
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import type { RunningServer } from '../testing/server-process.js';
import { startRedis } from '../testing/test-servers.js';
import { pubSubContract } from './pub-sub.contract.js';
import type { PubSubLimits } from './pub-sub.js';
import { RedisPubSub } from './redis-pub-sub.js';

const WAIT = { timeout: 30_000, interval: 20 };
// Two servers of one cluster: each has its own client, as each process has.
const clientA = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 2 });
const clientB = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 2 });
afterAll(async () => {
  await Promise.all([clientA.quit(), clientB.quit()]);
});
let run = 0;
const freshPrefix = (): string => `hub-test-${process.pid}-${run++}:`;

async function hubOn(redis: Redis, prefix: string, limits?: Partial<PubSubLimits>, logger = new MemoryLogger()): Promise<RedisPubSub> {
  const hub = new RedisPubSub({ redis, prefix, logger, ...(limits ? { limits } : {}) });
  await hub.start();
  return hub;
}

pubSubContract('RedisPubSub', async (limits) => {
  const prefix = freshPrefix();
  return { a: await hubOn(clientA, prefix, limits), b: await hubOn(clientB, prefix, limits) };
});

describe('RedisPubSub', () => {
  it('subscribes each process to a topic once, however many subscriptions it has, and leaves it with the last', async () => {
    const prefix = freshPrefix();
    const hub = await hubOn(clientA, prefix);
    const channel = `${prefix}hub:guild:1`;
    const numsub = async (): Promise<number> => Number(((await clientB.pubsub('NUMSUB', channel)) as [string, number])[1]);
    const first = await hub.subscribe('guild:1', () => undefined);
    const second = await hub.subscribe('guild:1', () => undefined);
    expect(await numsub()).toBe(1);
    await first.unsubscribe();
    expect(await numsub()).toBe(1);
    await second.unsubscribe();
    await vi.waitFor(async () => expect(await numsub()).toBe(0), WAIT);
    await hub.stop();
  });

  it('keeps clusters that share a Redis apart by their prefix', async () => {
    const ours = await hubOn(clientA, freshPrefix());
    const theirs = await hubOn(clientB, freshPrefix());
    const got: unknown[] = [];
    await ours.subscribe('t', (m) => void got.push(`ours ${String(m)}`));
    await theirs.subscribe('t', (m) => void got.push(`theirs ${String(m)}`));
    await theirs.publish('t', 'x');
    await ours.publish('t', 'y');
    await vi.waitFor(() => expect(got.sort()).toEqual(['ours y', 'theirs x']), WAIT);
    await Promise.all([ours.stop(), theirs.stop()]);
  });

  it('refuses publish and subscribe before it started with HUB_ERR_STOPPED', async () => {
    const hub = new RedisPubSub({ redis: clientA, logger: new MemoryLogger() });
    await expect(hub.publish('t', 1)).rejects.toMatchObject({ code: 'HUB_ERR_STOPPED' });
    await expect(hub.subscribe('t', () => undefined)).rejects.toMatchObject({ code: 'HUB_ERR_STOPPED' });
  });

  describe('across a Redis restart', () => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await startRedis();
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
    }, 60_000);

    it('refuses publishes and subscribes during the outage with HUB_ERR_UNAVAILABLE, then restores every subscription, each delivering once', async () => {
      const prefix = freshPrefix();
      const redisA = new Redis(server.url, { maxRetriesPerRequest: 2 });
      const redisB = new Redis(server.url, { maxRetriesPerRequest: 2 });
      // The server's own client logs these; here they are the outage the test makes.
      for (const client of [redisA, redisB]) client.on('error', () => undefined);
      const logger = new MemoryLogger();
      const a = await hubOn(redisA, prefix, undefined, logger);
      const b = await hubOn(redisB, prefix);
      const got = new Map<string, unknown[]>();
      const record = (who: string) => (m: unknown) => void got.set(who, [...(got.get(who) ?? []), m]);
      await a.subscribe('guild:42', record('a guild'));
      await a.subscribe('auction:updates', record('a auction'));
      await b.subscribe('guild:42', record('b guild'));
      await b.publish('guild:42', 'before');
      await vi.waitFor(() => expect([got.get('a guild'), got.get('b guild')]).toEqual([['before'], ['before']]), WAIT);

      await server.halt();
      await vi.waitFor(() => expect(b.publish('guild:42', 'during')).rejects.toMatchObject({ code: 'HUB_ERR_UNAVAILABLE' }), WAIT);
      await vi.waitFor(() => expect(a.subscribe('server:announcements', () => undefined)).rejects.toMatchObject({ code: 'HUB_ERR_UNAVAILABLE' }), WAIT);

      await server.restart();
      // Probes until every subscription is back: what goes before that is lost, as documented.
      let probe = 0;
      await vi.waitFor(async () => {
        await Promise.all([b.publish('guild:42', `probe ${probe}`), b.publish('auction:updates', `probe ${probe}`)]).catch(() => undefined);
        probe++;
        for (const who of ['a guild', 'a auction', 'b guild']) expect(got.get(who)?.some((m) => String(m).startsWith('probe'))).toBe(true);
      }, { timeout: 60_000, interval: 200 });
      await vi.waitFor(() => expect(logger.at('info').some((l) => l.message.includes('subscriptions restored'))).toBe(true), WAIT);

      got.clear();
      for (let i = 0; i < 50; i++) await b.publish('guild:42', i);
      await a.publish('auction:updates', 'lot 7');
      const expected = Array.from({ length: 50 }, (_, i) => i);
      // Late probes may still arrive first; after them, each message once and in order.
      const numbers = (who: string): unknown[] => (got.get(who) ?? []).filter((m) => typeof m === 'number');
      await vi.waitFor(() => expect([numbers('a guild'), numbers('b guild')]).toEqual([expected, expected]), WAIT);
      await vi.waitFor(() => expect(got.get('a auction')?.filter((m) => m === 'lot 7')).toEqual(['lot 7']), WAIT);
      // New subscriptions work again.
      const fresh: unknown[] = [];
      await a.subscribe('server:announcements', (m) => void fresh.push(m));
      await b.publish('server:announcements', 'back');
      await vi.waitFor(() => expect(fresh).toEqual(['back']), WAIT);

      await Promise.all([a.stop(), b.stop()]);
      await Promise.all([redisA.quit(), redisB.quit()]);
    }, 180_000);
  });
});
