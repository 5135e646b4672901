import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { onlineIndexContract } from './online-index.contract.js';
import { RedisOnlineIndex } from './redis-online-index.js';

const redis = new Redis(inject('redisUrl'), { lazyConnect: false, maxRetriesPerRequest: 2 });
afterAll(() => redis.quit());
let run = 0;

onlineIndexContract('RedisOnlineIndex', async () => new RedisOnlineIndex(redis, `online-test-${process.pid}-${run++}:`));

describe('RedisOnlineIndex', () => {
  it('treats a foreign value under its key as no session', async () => {
    const prefix = `online-test-${process.pid}-foreign:`;
    await redis.set(`${prefix}online:u1`, 'not json');
    expect(await new RedisOnlineIndex(redis, prefix).lookup('u1')).toBeUndefined();
  });
});
