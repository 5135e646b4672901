import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { MATCHMAKER_SERVICE } from '../../engine/matchmaking/matchmaker-contract.js';
import { startTestNodes, type TestNodes } from '../../engine/rpc/fixtures/test-nodes.js';
import { ManualClock } from '../../engine/timer/clock.js';
import { testMatchmaker, TestOnline } from './fixtures/matchmaker-kit.js';
import { RedisTicketStore } from './redis-ticket-store.js';

const redis = new Redis(inject('redisUrl'), { lazyConnect: false, maxRetriesPerRequest: 2 });
afterAll(() => redis.quit());
let run = 0;
const freshPrefix = (): string => `mm-restart-${process.pid}-${run++}:`;

let nodes: TestNodes | undefined;
afterEach(async () => {
  await nodes?.stop();
  nodes = undefined;
});

describe('a matchmaker on Redis', () => {
  it('matches the tickets left waiting by a matchmaker that stopped, once a new one starts on the same Redis', async () => {
    nodes = await startTestNodes(['services-1', 'lobby-1']);
    const [server, lobby] = nodes.nodes as [(typeof nodes.nodes)[0], (typeof nodes.nodes)[0]];
    const prefix = freshPrefix();
    const clock = new ManualClock();
    const online = new TestOnline();
    online.online('a', 'b', 'c', 'd');
    const before = testMatchmaker(new RedisTicketStore(redis, { prefix }), { rpc: server, clock, online });
    await before.matchmaker.start();
    await lobby.call('services-1', MATCHMAKER_SERVICE, 'enqueue', [{ uid: 'a', mode: '2v2', party: ['b'], rating: 1000 }]);
    await lobby.call('services-1', MATCHMAKER_SERVICE, 'enqueue', [{ uid: 'c', mode: '2v2', rating: 1000 }]);
    await before.matchmaker.stop();

    const after = testMatchmaker(new RedisTicketStore(redis, { prefix }), { rpc: server, clock, online });
    await after.matchmaker.start();
    expect(await lobby.call('services-1', MATCHMAKER_SERVICE, 'status', ['b'])).toMatchObject({ owner: 'a', state: 'waiting' });
    await lobby.call('services-1', MATCHMAKER_SERVICE, 'enqueue', [{ uid: 'd', mode: '2v2', rating: 1000 }]);
    clock.advance(1_000);
    await after.matchmaker.idle();
    expect(after.launcher.plans.map((p) => p.teams)).toEqual([[['a', 'b'], ['c', 'd']]]);
    expect(before.launcher.plans).toEqual([]);
    expect(await lobby.call('services-1', MATCHMAKER_SERVICE, 'status', ['a'])).toBeNull();
    await after.matchmaker.stop();
  });

  it('gets back the tickets a matchmaker claimed and never launched (it died), once the claim expires', async () => {
    const prefix = freshPrefix();
    const clock = new ManualClock();
    const online = new TestOnline();
    online.online('a', 'b', 'c', 'd');
    const dead = new RedisTicketStore(redis, { prefix });
    const { matchmaker, launcher } = testMatchmaker(new RedisTicketStore(redis, { prefix }), { clock, online, settings: { claimTtlMs: 20_000 } });
    for (const uid of ['a', 'b', 'c', 'd']) await matchmaker.enqueue({ uid, mode: '2v2', rating: 1000 });
    expect(await dead.claim('crashed', ['a', 'b', 'c', 'd'], clock.now() + 20_000)).toBe(true);
    expect(await matchmaker.status('a')).toMatchObject({ state: 'launching' });
    await matchmaker.pass();
    expect(launcher.plans).toEqual([]);
    clock.advance(20_000);
    expect(await matchmaker.pass()).toEqual({ launched: 1, failed: 0, offline: 0 });
    expect(launcher.plans).toHaveLength(1);
  });

  it('never puts a player in two matches when two matchmakers share one Redis', async () => {
    const prefix = freshPrefix();
    const clock = new ManualClock();
    const online = new TestOnline();
    const first = testMatchmaker(new RedisTicketStore(redis, { prefix }), { clock, online });
    const second = testMatchmaker(new RedisTicketStore(redis, { prefix }), { clock, online });
    const uids = Array.from({ length: 200 }, (_, i) => `u${i}`);
    online.online(...uids);
    await Promise.all(uids.map((uid, i) => first.matchmaker.enqueue({ uid, mode: '2v2', rating: 1000 + (i % 30) })));
    await Promise.all([first.matchmaker.pass(), second.matchmaker.pass()]);
    const matched = [...first.launcher.plans, ...second.launcher.plans].flatMap((p) => p.teams.flat());
    expect(matched).toHaveLength(200);
    expect(new Set(matched).size).toBe(200);
  });
});
