import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { RedisTicketStore } from './redis-ticket-store.js';
import { ticketStoreContract } from './ticket-store.contract.js';

const redis = new Redis(inject('redisUrl'), { lazyConnect: false, maxRetriesPerRequest: 2 });
afterAll(() => redis.quit());
let run = 0;
const freshPrefix = (): string => `mm-test-${process.pid}-${run++}:`;

ticketStoreContract('RedisTicketStore', async () => new RedisTicketStore(redis, { prefix: freshPrefix() }));

describe('RedisTicketStore', () => {
  it('lets exactly one of many stores claim the same tickets at once', async () => {
    const prefix = freshPrefix();
    const stores = Array.from({ length: 8 }, () => new RedisTicketStore(redis, { prefix }));
    for (const uid of ['a', 'b', 'c', 'd']) await stores[0]!.add({ uid, mode: '2v2', party: [uid], rating: 1, since: 0 }, 10);
    const results = await Promise.all(stores.map((store, i) => store.claim(`m${i}`, ['a', 'b', 'c', 'd'], 1_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('keeps its tickets under its prefix, apart from another cluster\'s', async () => {
    const mine = new RedisTicketStore(redis, { prefix: freshPrefix() });
    const theirs = new RedisTicketStore(redis, { prefix: freshPrefix() });
    await mine.add({ uid: 'a', mode: '2v2', party: ['a'], rating: 1, since: 0 }, 10);
    expect(await theirs.get('a')).toBeUndefined();
    expect(await theirs.add({ uid: 'a', mode: '2v2', party: ['a'], rating: 1, since: 0 }, 10)).toBe('added');
  });
});
