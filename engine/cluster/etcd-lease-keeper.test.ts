/**
 * The lease keeper's timing on a manual clock: when it renews, how it tries again, and when it
 * gives a lease up. etcd3's lease objects are replaced by scripted ones whose calls the test
 * settles; what a real etcd does under failures is in etcd-discovery.members.integration.test.ts.
 */
import { EtcdLeaseInvalidError, type Etcd3 } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import { EtcdLeaseKeeper, type LeaseLoss } from './etcd-lease-keeper.js';

const TTL_SECONDS = 3;
const MARGIN_MS = 750;
const LOSS_MS = TTL_SECONDS * 1000 - MARGIN_MS;
const INTERVAL_MS = 1_000;
/** Three members share a third of the TTL: the first try of a renewal may take 333 ms. */
const FIRST_TRY_MS = INTERVAL_MS / 3;

interface Call<T> {
  at: number;
  /** The try's time, from its gRPC deadline. */
  timeoutMs: number;
  settled: boolean;
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
    return this.call(this.grants, 0);
  }
  keepaliveOnce(options: { deadline: number }): Promise<{ TTL: string }> {
    return this.call(this.keepAlives, options.deadline - Date.now());
  }
  private call<T>(calls: Call<T>[], timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const call: Call<T> = {
        at: this.clock.now(),
        timeoutMs,
        settled: false,
        resolve: (value) => ((call.settled = true), resolve(value)),
        reject: (err) => ((call.settled = true), reject(err)),
      };
      calls.push(call);
    });
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

function setup() {
  const clock = new ManualClock();
  const leases: ScriptedLease[] = [];
  const losses: LeaseLoss[] = [];
  const logger = new MemoryLogger();
  const client = { lease: () => leases[leases.push(new ScriptedLease(clock)) - 1] } as unknown as Etcd3;
  const keeper = new EtcdLeaseKeeper({ client, clock, logger, ttlSeconds: TTL_SECONDS, marginMs: MARGIN_MS, requestTimeoutMs: 5_000, members: 3, random: () => 0, onLost: (loss) => losses.push(loss) });
  /** Moves time on in steps of 10 ms, letting the keeper's promises run between them. */
  const advance = async (ms: number): Promise<void> => {
    for (let left = ms; left > 0; left -= 10) {
      clock.advance(Math.min(10, left));
      await settle();
    }
  };
  /** Grants a lease, etcd answering after `tookMs`; the lease is `lease()` from then on. */
  const grant = async (tookMs = 0, id = '7'): Promise<string> => {
    const granted = keeper.grant();
    await settle();
    clock.advance(tookMs);
    leases.at(-1)!.grants.at(-1)!.resolve(id);
    return granted;
  };
  return { clock, leases, lease: () => leases.at(-1)!, losses, logger, keeper, advance, grant };
}

/** The gaps between the starts of successive tries. */
const gaps = (calls: readonly Call<unknown>[]): number[] => calls.slice(1).map((c, i) => c.at - calls[i]!.at);

describe('EtcdLeaseKeeper', () => {
  it('renews a third of the TTL after the last renewal was sent, and again a third after that one was sent', async () => {
    const { clock, lease, keeper, advance, grant } = setup();
    const start = clock.now();
    expect(await grant()).toBe('7');
    await advance(INTERVAL_MS - 10);
    expect(lease().keepAlives).toHaveLength(0);
    await advance(10);
    expect(lease().keepAlives.map((c) => [c.at - start, Math.round(c.timeoutMs / 10) * 10])).toEqual([[INTERVAL_MS, 330]]);
    // etcd answers 200 ms later: the next renewal is due a third of the TTL after this one was sent.
    await advance(200);
    lease().keepAlives[0]!.resolve({ TTL: String(TTL_SECONDS) });
    await advance(INTERVAL_MS - 200);
    expect(lease().keepAlives.map((c) => c.at - start)).toEqual([INTERVAL_MS, 2 * INTERVAL_MS]);
    expect(keeper.renewals).toBe(1);
  });

  it('renews at once when the grant took longer than a third of the TTL', async () => {
    const { clock, lease, losses, keeper, advance, grant } = setup();
    const start = clock.now();
    await grant(INTERVAL_MS + 400);
    await advance(10);
    expect(lease().keepAlives.map((c) => c.at - start)).toEqual([INTERVAL_MS + 400]);
    lease().keepAlives[0]!.resolve({ TTL: String(TTL_SECONDS) });
    // Renewing only a third of the TTL after the grant came back would have lost the lease here.
    await advance(LOSS_MS + 100 - (clock.now() - start));
    expect(losses).toEqual([]);
    expect(keeper.id).toBe('7');
    expect(keeper.renewals).toBe(1);
  });

  it('tries again after each failure, each try given twice the time and a pause to match, and keeps the lease when one succeeds before the loss', async () => {
    const { clock, lease, losses, logger, keeper, advance, grant } = setup();
    const start = clock.now();
    await grant();
    await advance(INTERVAL_MS);
    // A member that is down refuses each try at once.
    while (lease().keepAlives.length < 4) {
      const pending = lease().keepAlives.at(-1)!;
      if (!pending.settled) pending.reject(new Error('14 UNAVAILABLE: connect ECONNREFUSED'));
      await advance(10);
    }
    const tries = lease().keepAlives;
    // Twice the time of the try before, up to the time left before the loss.
    for (const [k, call] of tries.entries()) {
      const expected = Math.max(FIRST_TRY_MS, Math.min(FIRST_TRY_MS * 2 ** k, LOSS_MS - (call.at - start)));
      expect(Math.abs(call.timeoutMs - expected), `try ${k + 1}`).toBeLessThan(3);
    }
    expect(tries[1]!.timeoutMs).toBeGreaterThan(tries[0]!.timeoutMs * 1.9);
    // Each pause is a quarter of the failed try's time, so the tries do not spin.
    const pauses = gaps(tries);
    for (const [i, pause] of pauses.entries()) {
      expect(pause).toBeGreaterThanOrEqual(tries[i]!.timeoutMs / 4);
      expect(pause).toBeLessThan(tries[i]!.timeoutMs / 4 + 20);
    }
    // The fourth succeeds, before the loss.
    expect(tries[3]!.at - start).toBeLessThan(LOSS_MS);
    tries[3]!.resolve({ TTL: String(TTL_SECONDS) });
    await advance(10);
    expect(losses).toEqual([]);
    expect(keeper.id).toBe('7');
    expect(keeper.renewals).toBe(1);
    expect(logger.at('warn').map((l) => l.message)).toEqual(['etcd keep-alive failed; retrying']);
    expect(logger.at('info')).toMatchObject([{ message: 'etcd keep-alive recovered', meta: { failedTries: 3 } }]);
    // The next renewal is a third of the TTL after the one that succeeded was sent, with a short try again.
    await advance(tries[3]!.at + INTERVAL_MS - clock.now());
    expect(lease().keepAlives).toHaveLength(5);
    expect(lease().keepAlives[4]!.at).toBe(tries[3]!.at + INTERVAL_MS);
    expect(Math.round(lease().keepAlives[4]!.timeoutMs)).toBe(333);
  });

  it('takes the lease as lost the TTL less the margin after the last renewal that succeeded was sent, and tries no more', async () => {
    const { clock, lease, losses, keeper, advance, grant } = setup();
    const start = clock.now();
    await grant();
    // Every try hangs until its deadline passes, then fails.
    for (let at = 0; at < TTL_SECONDS * 1000; at += 10) {
      await advance(10);
      for (const call of lease().keepAlives) if (!call.settled && clock.now() - call.at >= call.timeoutMs) call.reject(new Error('4 DEADLINE_EXCEEDED'));
    }
    expect(losses).toHaveLength(1);
    expect(losses[0]).toMatchObject({ leaseId: '7', sinceRenewalMs: LOSS_MS, reason: `no successful keep-alive for ${LOSS_MS} ms` });
    expect(keeper.id).toBeUndefined();
    // The tries ran one at a time until the loss: none overlapped, and none began after it.
    const tries = lease().keepAlives;
    for (const [i, gap] of gaps(tries).entries()) expect(gap).toBeGreaterThanOrEqual(tries[i]!.timeoutMs);
    expect(tries.at(-1)!.at - start).toBeLessThan(LOSS_MS);
    const count = tries.length;
    await advance(5_000);
    expect(lease().keepAlives).toHaveLength(count);
  });

  it('takes the lease as lost at once when etcd says it is gone, by an error or by no time left', async () => {
    for (const answer of ['invalid', 'ttl 0'] as const) {
      const { lease, losses, keeper, advance, grant } = setup();
      await grant();
      await advance(INTERVAL_MS);
      if (answer === 'invalid') lease().keepAlives[0]!.reject(new EtcdLeaseInvalidError('7'));
      else lease().keepAlives[0]!.resolve({ TTL: '0' });
      await advance(10);
      expect(losses.map((l) => l.reason)).toEqual(['etcd reports the lease gone']);
      expect(keeper.id).toBeUndefined();
      await advance(5_000);
      expect(lease().keepAlives).toHaveLength(1);
    }
  });

  it('ignores the answer to a try for a lease given up meanwhile', async () => {
    const { lease, losses, keeper, advance, grant } = setup();
    await grant();
    await advance(INTERVAL_MS);
    keeper.halt();
    lease().keepAlives[0]!.reject(new EtcdLeaseInvalidError('7'));
    await advance(5_000);
    expect(losses).toEqual([]);
    expect(lease().keepAlives).toHaveLength(1);
  });

  it('keeps one chain of renewals, for the new lease, when a grant replaces a lease whose try is in flight', async () => {
    const { clock, leases, losses, keeper, advance, grant } = setup();
    await grant();
    await advance(INTERVAL_MS);
    const old = leases[0]!;
    expect(old.keepAlives).toHaveLength(1);
    const regrantedAt = clock.now();
    await grant(0, '8');
    // The old lease's try fails after the grant: it neither counts nor starts tries of its own.
    old.keepAlives[0]!.reject(new Error('4 DEADLINE_EXCEEDED'));
    await advance(INTERVAL_MS);
    const renewals = leases[1]!.keepAlives;
    expect(renewals.map((c) => c.at - regrantedAt)).toEqual([INTERVAL_MS]);
    renewals[0]!.resolve({ TTL: String(TTL_SECONDS) });
    await advance(INTERVAL_MS);
    expect(old.keepAlives).toHaveLength(1);
    expect(renewals.map((c) => c.at - regrantedAt)).toEqual([INTERVAL_MS, 2 * INTERVAL_MS]);
    expect(losses).toEqual([]);
    expect(keeper.id).toBe('8');
  });
});
