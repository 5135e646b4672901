import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ClusterPush } from './cluster-push.js';
import { RecordingRpc } from './fixtures/recording-rpc.js';
import { groupsContract, type GroupsUnderTest } from './groups.contract.js';
import type { GroupLimits } from './groups.js';
import { RedisGroups } from './redis-groups.js';
import { RedisOnlineIndex } from './redis-online-index.js';

const redis = new Redis(inject('redisUrl'), { lazyConnect: false, maxRetriesPerRequest: 2 });
afterAll(() => redis.quit());
let run = 0;
const freshPrefix = (): string => `groups-test-${process.pid}-${run++}:`;

function make(prefix = freshPrefix(), limits?: Partial<GroupLimits>): GroupsUnderTest {
  const online = new RedisOnlineIndex(redis, { ttlMs: 60_000, prefix });
  const rpc = new RecordingRpc();
  const push = new ClusterPush({ online, rpc, logger: new MemoryLogger() });
  return { groups: new RedisGroups(redis, push, { prefix, ...(limits ? { limits } : {}) }), online, rpc, push };
}

groupsContract('RedisGroups', async (limits) => make(freshPrefix(), limits));

describe('RedisGroups', () => {
  it('keeps its sets under the prefix, so that clusters sharing a Redis never see each other\'s groups', async () => {
    const prefix = freshPrefix();
    const mine = make(prefix);
    const theirs = make();
    await mine.groups.join('guild:1', ['a']);
    expect(await redis.smembers(`${prefix}group:guild:1`)).toEqual(['a']);
    expect(await redis.smembers(`${prefix}groups-of:a`)).toEqual(['guild:1']);
    expect(await theirs.groups.members('guild:1')).toEqual([]);
  });

  it('joins 2,000 accounts in one call and broadcasts to them with one push per gate', async () => {
    const { groups, online, rpc } = make();
    const uids = Array.from({ length: 2_000 }, (_, i) => `u${i}`);
    await online.refresh(uids.map((uid, i) => ({ uid, gateId: `gate-${i % 2}`, sessionId: `s-${uid}` })));
    await groups.join('world', uids);
    expect(await groups.members('world')).toHaveLength(2_000);
    expect(await groups.broadcast('world', 'chat.line', 'hello')).toEqual({ gates: 2, offline: [], unreached: [] });
    expect(rpc.sent.map((s) => (s.args[0] as string[]).length)).toEqual([1_000, 1_000]);
  });

  it('fails fast with HUB_ERR_GROUP_UNAVAILABLE when its client is not connected', async () => {
    const gone = new Redis(inject('redisUrl'), { lazyConnect: true });
    const rpc = new RecordingRpc();
    const push = new ClusterPush({ online: new RedisOnlineIndex(redis, { ttlMs: 60_000, prefix: freshPrefix() }), rpc, logger: new MemoryLogger() });
    const groups = new RedisGroups(gone, push, { prefix: freshPrefix() });
    gone.disconnect();
    await expect(groups.join('guild:1', ['a'])).rejects.toMatchObject({ code: 'HUB_ERR_GROUP_UNAVAILABLE' });
    await expect(groups.broadcast('guild:1', 'r', 1)).rejects.toMatchObject({ code: 'HUB_ERR_GROUP_UNAVAILABLE' });
  });
});
