import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { OnlineRecord } from './online-index.js';
import { onlineIndexContract } from './online-index.contract.js';
import { LOOKUP_BATCH, REFRESH_BATCH, RedisOnlineIndex } from './redis-online-index.js';

const TTL_MS = 60_000;
const redis = new Redis(inject('redisUrl'), { lazyConnect: false, maxRetriesPerRequest: 2 });
afterAll(() => redis.quit());
let run = 0;
const freshPrefix = (): string => `online-test-${process.pid}-${run++}:`;

onlineIndexContract('RedisOnlineIndex', async () => new RedisOnlineIndex(redis, { ttlMs: TTL_MS, prefix: freshPrefix() }));

describe('RedisOnlineIndex', () => {
  it('treats a foreign value under its key as no session', async () => {
    const prefix = freshPrefix();
    await redis.set(`${prefix}online:u1`, 'not json');
    expect(await new RedisOnlineIndex(redis, { ttlMs: TTL_MS, prefix }).lookup('u1')).toBeUndefined();
  });

  it('gives every claimed entry a time to live, so that a gate that dies leaves nothing forever', async () => {
    const prefix = freshPrefix();
    await new RedisOnlineIndex(redis, { ttlMs: TTL_MS, prefix }).claim('u1', { gateId: 'gate-a', sessionId: 's1' });
    const ttl = await redis.pttl(`${prefix}online:u1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(TTL_MS);
  });

  it('renews the time to live of every entry it is given, thousands at once, writing the missing ones', async () => {
    const prefix = freshPrefix();
    const index = new RedisOnlineIndex(redis, { ttlMs: TTL_MS, prefix });
    const records: OnlineRecord[] = Array.from({ length: REFRESH_BATCH * 4 + 7 }, (_, i) => ({ uid: `u${i}`, gateId: 'gate-a', sessionId: `s${i}` }));
    for (const r of records.slice(0, 10)) await index.claim(r.uid, r);
    // Nearly expired: the refresh must bring it back to the full lifetime.
    await redis.pexpire(`${prefix}online:u3`, 50);
    expect(await index.refresh(records)).toEqual([]);
    expect(await redis.pttl(`${prefix}online:u3`)).toBeGreaterThan(TTL_MS / 2);
    const last = records.at(-1)!;
    expect(await index.lookup(last.uid)).toEqual({ gateId: 'gate-a', sessionId: last.sessionId });
    expect(await redis.pttl(`${prefix}online:${last.uid}`)).toBeGreaterThan(TTL_MS / 2);
  });

  it('looks up more accounts than one MGET carries, in one pipeline, in the order asked', async () => {
    const index = new RedisOnlineIndex(redis, { ttlMs: TTL_MS, prefix: freshPrefix() });
    const records: OnlineRecord[] = Array.from({ length: LOOKUP_BATCH * 2 + 3 }, (_, i) => ({ uid: `u${i}`, gateId: `gate-${i % 3}`, sessionId: `s${i}` }));
    await index.refresh(records.filter((_, i) => i % 2 === 0));
    const found = await index.lookupMany(records.map((r) => r.uid));
    expect(found).toEqual(records.map((r, i) => (i % 2 === 0 ? { gateId: r.gateId, sessionId: r.sessionId } : undefined)));
  });

  it('removes a departed gate\'s entries across many scan pages, leaving other gates and other clusters alone', async () => {
    const prefix = freshPrefix();
    const other = freshPrefix();
    const index = new RedisOnlineIndex(redis, { ttlMs: TTL_MS, prefix });
    const neighbour = new RedisOnlineIndex(redis, { ttlMs: TTL_MS, prefix: other });
    const departed = Array.from({ length: 2_500 }, (_, i): OnlineRecord => ({ uid: `u${i}`, gateId: 'gate-a', sessionId: `s${i}` }));
    await index.refresh(departed);
    await index.refresh([{ uid: 'kept', gateId: 'gate-b', sessionId: 'k1' }]);
    await neighbour.refresh([{ uid: 'u1', gateId: 'gate-a', sessionId: 'n1' }]);
    expect(await index.removeGate('gate-a')).toBe(2_500);
    expect(await index.lookup('u1')).toBeUndefined();
    expect(await index.lookup('kept')).toEqual({ gateId: 'gate-b', sessionId: 'k1' });
    expect(await neighbour.lookup('u1')).toEqual({ gateId: 'gate-a', sessionId: 'n1' });
  });

  it('refuses a time to live that is not a positive integer', () => {
    expect(() => new RedisOnlineIndex(redis, { ttlMs: 0 })).toThrow(RangeError);
  });
});
