/**
 * A group broadcast to 1,000 members spread over two gates, through Redis (the group's members
 * and the online index) and real RPC links on loopback: one lobby node sends, two gate nodes
 * receive `push` notifications and count the sessions they deliver to. Figures: time per
 * broadcast (from the call until both gates have every session), and the bytes of push arguments
 * the gates receive per broadcast (msgpack of `[sessionIds, route, body]`, the RPC envelope
 * aside). Baseline in the same run: one push per member (what pitaya's per-user push does), the
 * members' gates looked up in the same single round trip and each push encoding its body.
 */
import { Redis } from 'ioredis';
import { encode } from '../../engine/codec/msgpack-codec.js';
import { ClusterPush } from '../../engine/hub/cluster-push.js';
import { RedisGroups } from '../../engine/hub/redis-groups.js';
import { RedisOnlineIndex } from '../../engine/hub/redis-online-index.js';
import type { Logger } from '../../engine/log/types.js';
import { RpcNode } from '../../engine/rpc/rpc-node.js';
import { GATE_SERVICE } from '../../engine/session/session-contract.js';
import { testClusterSecret } from '../../engine/testing/cluster-secret.js';
import { startRedis } from '../../engine/testing/test-servers.js';
import { SystemClock } from '../../engine/timer/clock.js';
import { TimerService } from '../../engine/timer/timer-service.js';
import type { BenchReport } from '../lib/benchmark.js';

const MEMBERS = 1_000;
const GATES = ['bench-gate-a', 'bench-gate-b'];
const ROUNDS = 200;
const WARMUP = 20;
const ROUTE = 'chat.line';
const BODY = { from: 'player-0042', text: 'meet at the bridge when the raid timer ends, bring potions'.padEnd(100, '.') };

const quiet: Logger = { error: console.error, warn: console.error, info: () => {}, debug: () => {}, child: () => quiet };

/** What the gate nodes received. */
class Delivery {
  sessions = 0;
  bytes = 0;
  calls = 0;
  private waiter: { until: number; resolve: () => void } | undefined;

  push(sessionIds: readonly string[], route: string, body: Uint8Array): void {
    this.calls++;
    this.bytes += encode([sessionIds, route, body]).length;
    this.sessions += sessionIds.length;
    if (this.waiter && this.sessions >= this.waiter.until) {
      this.waiter.resolve();
      this.waiter = undefined;
    }
  }

  /** Resolves once `count` more sessions were delivered to. */
  next(count: number): Promise<void> {
    const until = this.sessions + count;
    return new Promise((resolve) => (this.waiter = { until, resolve }));
  }
}

/** Time and bytes per broadcast, ours and one push per member. */
export async function measureGroupBroadcast(): Promise<BenchReport> {
  const redisServer = await startRedis();
  const redis = new Redis(redisServer.url);
  const clock = new SystemClock();
  const timers = new TimerService({ clock, logger: quiet });
  const nodes: RpcNode[] = [];
  const addresses = new Map<string, string>();
  const node = (serverId: string): RpcNode => {
    const rpc = new RpcNode({ serverId, secret: testClusterSecret(), host: '127.0.0.1', port: 0, resolve: (id) => addresses.get(id), clock, timers, logger: quiet });
    nodes.push(rpc);
    return rpc;
  };
  try {
    const delivery = new Delivery();
    for (const gateId of GATES) {
      const gate = node(gateId);
      gate.serve(GATE_SERVICE, { push: async (ids: string[], route: string, body: Uint8Array) => delivery.push(ids, route, body) }, ['push']);
      await gate.start();
      addresses.set(gateId, gate.address);
    }
    const lobby = node('bench-lobby');
    await lobby.start();
    addresses.set('bench-lobby', lobby.address);

    const prefix = 'bench-groups:';
    const online = new RedisOnlineIndex(redis, { ttlMs: 600_000, prefix });
    const uids = Array.from({ length: MEMBERS }, (_, i) => `member-${i}`);
    await online.refresh(uids.map((uid, i) => ({ uid, gateId: GATES[i % GATES.length]!, sessionId: `session-${i}` })));
    const push = new ClusterPush({ online, rpc: lobby, logger: quiet });
    const groups = new RedisGroups(redis, push, { prefix });
    await groups.join('raid', uids);

    const broadcast = async (): Promise<void> => {
      const done = delivery.next(MEMBERS);
      await groups.broadcast('raid', ROUTE, BODY);
      await done;
    };
    // One push per member: the gates looked up at once (to the baseline's advantage), then a
    // notification per member, each with its own encoding of the body.
    const perMember = async (): Promise<void> => {
      const done = delivery.next(MEMBERS);
      const members = await redis.smembers(`${prefix}group:raid`);
      const entries = await online.lookupMany(members);
      entries.forEach((entry) => entry && lobby.notify(entry.gateId, GATE_SERVICE, 'push', [[entry.sessionId], ROUTE, encode(BODY)]));
      await done;
    };
    const measure = async (run: () => Promise<void>): Promise<{ ms: number; bytes: number; calls: number }> => {
      for (let i = 0; i < WARMUP; i++) await run();
      const [bytes, calls] = [delivery.bytes, delivery.calls];
      const started = performance.now();
      for (let i = 0; i < ROUNDS; i++) await run();
      return { ms: (performance.now() - started) / ROUNDS, bytes: (delivery.bytes - bytes) / ROUNDS, calls: (delivery.calls - calls) / ROUNDS };
    };
    const ours = await measure(broadcast);
    const base = await measure(perMember);
    return {
      figures: {
        'time per broadcast': { value: ours.ms, unit: 'ms', better: 'lower' },
        'bytes per broadcast': { value: ours.bytes, unit: 'B', better: 'lower' },
        'gate calls per broadcast': { value: ours.calls, unit: 'calls', better: 'lower' },
      },
      baseline: {
        'one push per member: time': { value: base.ms, unit: 'ms', better: 'lower' },
        'one push per member: bytes': { value: base.bytes, unit: 'B', better: 'lower' },
        'one push per member: gate calls': { value: base.calls, unit: 'calls', better: 'lower' },
      },
      compare: [
        { ours: 'time per broadcast', baseline: 'one push per member: time' },
        { ours: 'bytes per broadcast', baseline: 'one push per member: bytes' },
        { ours: 'gate calls per broadcast', baseline: 'one push per member: gate calls' },
      ],
      params: { members: MEMBERS, gates: GATES.length, rounds: ROUNDS, bodyBytes: encode(BODY).length, store: 'redis', transport: 'rpc over loopback' },
    };
  } finally {
    for (const rpc of nodes.reverse()) await rpc.stop();
    timers.stop();
    await redis.quit();
    await redisServer.stop();
  }
}
