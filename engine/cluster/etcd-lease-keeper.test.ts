/**
 * The lease keeper's timing on a manual clock: when it renews, how it tries again, and when it
 * gives a lease up. etcd3's lease object is replaced by a scripted one whose calls the test
 * settles; what a real etcd does under failures is in etcd-discovery.members.integration.test.ts.
 */
import { EtcdLeaseInvalidError, type Etcd3 } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import { EtcdLeaseKeeper, type LeaseLoss } from './etcd-lease-keeper.js';

const TTL_SECONDS = 3;
const MARGIN_MS = 750;
const INTERVAL_MS = 1_000;
/** Three members share a third of the TTL: 333 ms a try, and a pause of a quarter of that after a failure. */
const TRY_MS = INTERVAL_MS / 3;

interface Call<T> {
  at: number;
  resolve(value: T): void;
  reject(err: unknown): void;
}

/** A lease whose grant and keep-alives wait until the test settles them. */
class ScriptedLease {
  readonly grants: Call<string>[] = [];
  readonly keepAlives: Call<{ TTL: string }>[] = [];
  constructor(private readonly clock: ManualClock) {}
  on(): void {}
  release(): void {}
  async revoke(): Promise<void> {}
  grant(): Promise<string> {
    return new Promise((resolve, reject) => this.grants.push({ at: this.clock.now(), resolve, reject }));
  }
  keepaliveOnce(): Promise<{ TTL: string }> {
    return new Promise((resolve, reject) => this.keepAlives.push({ at: this.clock.now(), resolve, reject }));
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

function setup() {
  const clock = new ManualClock();
  const lease = new ScriptedLease(clock);
  const losses: LeaseLoss[] = [];
  const logger = new MemoryLogger();
  const client = { lease: () => lease } as unknown as Etcd3;
  const keeper = new EtcdLeaseKeeper({ client, clock, logger, ttlSeconds: TTL_SECONDS, marginMs: MARGIN_MS, requestTimeoutMs: 5_000, attemptsPerRenewal: 3, onLost: (loss) => losses.push(loss) });
  /** Moves time on in steps of 10 ms, letting the keeper's promises run between them. */
  const advance = async (ms: number): Promise<void> => {
    for (let left = ms; left > 0; left -= 10) {
      clock.advance(Math.min(10, left));
      await settle();
    }
  };
  /** Grants the lease, etcd answering after `tookMs`. */
  const grant = async (tookMs = 0): Promise<string> => {
    const granted = keeper.grant();
    await settle();
    clock.advance(tookMs);
    lease.grants.at(-1)!.resolve('7');
    return granted;
  };
  return { clock, lease, losses, logger, keeper, advance, grant };
}

describe('EtcdLeaseKeeper', () => {
  it('renews a third of the TTL after the last renewal was sent, and again a third after that one was sent', async () => {
    const { clock, lease, keeper, advance, grant } = setup();
    const start = clock.now();
    expect(await grant()).toBe('7');
    await advance(INTERVAL_MS - 10);
    expect(lease.keepAlives).toHaveLength(0);
    await advance(10);
    expect(lease.keepAlives.map((c) => c.at - start)).toEqual([INTERVAL_MS]);
    // etcd answers 200 ms later: the next renewal is due a third of the TTL after this one was sent.
    await advance(200);
    lease.keepAlives[0]!.resolve({ TTL: String(TTL_SECONDS) });
    await advance(INTERVAL_MS - 200);
    expect(lease.keepAlives.map((c) => c.at - start)).toEqual([INTERVAL_MS, 2 * INTERVAL_MS]);
    expect(keeper.renewals).toBe(1);
  });

  it('renews at once when the grant took longer than a third of the TTL', async () => {
    const { clock, lease, losses, keeper, advance, grant } = setup();
    const start = clock.now();
    await grant(INTERVAL_MS + 400);
    await advance(10);
    expect(lease.keepAlives.map((c) => c.at - start)).toEqual([INTERVAL_MS + 400]);
    lease.keepAlives[0]!.resolve({ TTL: String(TTL_SECONDS) });
    // Renewing only a third of the TTL after the grant came back would have lost the lease here.
    await advance(TTL_SECONDS * 1000 - MARGIN_MS + 100 - (clock.now() - start));
    expect(losses).toEqual([]);
    expect(keeper.id).toBe('7');
    expect(keeper.renewals).toBe(1);
  });

  it('tries again after each failure, a short pause apart, and keeps the lease when a try succeeds before the loss', async () => {
    const { clock, lease, losses, logger, keeper, advance, grant } = setup();
    const start = clock.now();
    await grant();
    await advance(INTERVAL_MS);
    // A member that is down refuses each try at once; the keeper tries again after a pause.
    for (let i = 0; i < 5; i++) {
      lease.keepAlives.at(-1)!.reject(new Error('14 UNAVAILABLE: connect ECONNREFUSED'));
      await advance(TRY_MS / 4 + 10);
    }
    expect(lease.keepAlives).toHaveLength(6);
    const gaps = lease.keepAlives.slice(1).map((c, i) => c.at - lease.keepAlives[i]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(TRY_MS / 4);
    // The sixth try succeeds, 1.5 s after the grant: within the 2.25 s the lease counts as kept.
    const sixth = lease.keepAlives[5]!;
    sixth.resolve({ TTL: String(TTL_SECONDS) });
    await advance(10);
    expect(losses).toEqual([]);
    expect(keeper.id).toBe('7');
    expect(keeper.renewals).toBe(1);
    expect(logger.at('warn').map((l) => l.message)).toEqual(['etcd keep-alive failed; retrying']);
    expect(logger.at('info').map((l) => l.message)).toEqual(['etcd keep-alive recovered']);
    // The next renewal is a third of the TTL after the one that succeeded was sent.
    await advance(sixth.at + INTERVAL_MS - clock.now());
    expect(lease.keepAlives.at(-1)!.at - start).toBe(sixth.at - start + INTERVAL_MS);
  });

  it('takes the lease as lost the TTL less the margin after the last renewal that succeeded was sent, and tries no more', async () => {
    const { clock, lease, losses, keeper, advance, grant } = setup();
    const start = clock.now();
    await grant();
    // Every try hangs until its deadline passes, then fails.
    let failed = 0;
    for (let at = 0; at < TTL_SECONDS * 1000; at += 10) {
      await advance(10);
      for (const call of lease.keepAlives.slice(failed)) {
        if (clock.now() - call.at < TRY_MS) break;
        call.reject(new Error('4 DEADLINE_EXCEEDED'));
        failed++;
      }
    }
    expect(losses).toHaveLength(1);
    expect(losses[0]).toMatchObject({ leaseId: '7', sinceRenewalMs: TTL_SECONDS * 1000 - MARGIN_MS });
    expect(losses[0]!.reason).toMatch(/^no successful keep-alive for 2250 ms$/);
    expect(keeper.id).toBeUndefined();
    // Tries ran until the loss, and none after it.
    const lastTry = lease.keepAlives.at(-1)!.at - start;
    expect(lastTry).toBeLessThan(TTL_SECONDS * 1000 - MARGIN_MS);
    expect(lastTry).toBeGreaterThan(TTL_SECONDS * 1000 - MARGIN_MS - TRY_MS - TRY_MS / 4 - 20);
    const tries = lease.keepAlives.length;
    await advance(5_000);
    expect(lease.keepAlives).toHaveLength(tries);
  });

  it('takes the lease as lost at once when etcd says it is gone, by an error or by no time left', async () => {
    for (const answer of ['invalid', 'ttl 0'] as const) {
      const { lease, losses, keeper, advance, grant } = setup();
      await grant();
      await advance(INTERVAL_MS);
      if (answer === 'invalid') lease.keepAlives[0]!.reject(new EtcdLeaseInvalidError('7'));
      else lease.keepAlives[0]!.resolve({ TTL: '0' });
      await advance(10);
      expect(losses.map((l) => l.reason)).toEqual(['etcd reports the lease gone']);
      expect(keeper.id).toBeUndefined();
      await advance(5_000);
      expect(lease.keepAlives).toHaveLength(1);
    }
  });

  it('ignores the answer to a try for a lease given up meanwhile', async () => {
    const { lease, losses, keeper, advance, grant } = setup();
    await grant();
    await advance(INTERVAL_MS);
    keeper.halt();
    lease.keepAlives[0]!.reject(new EtcdLeaseInvalidError('7'));
    await advance(5_000);
    expect(losses).toEqual([]);
    expect(lease.keepAlives).toHaveLength(1);
  });
});
