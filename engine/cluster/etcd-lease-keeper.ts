/**
 * Keeps one etcd lease alive on the injected clock and decides when it is lost.
 *
 * etcd3's automatic keep-alive reports a loss only after twice the TTL without contact, long after
 * etcd has deleted our keys and the other members have dropped us. So the lease is granted with
 * `autoKeepAlive: false` and renewed here with `keepaliveOnce()` a third of the TTL after the last
 * renewal that succeeded was sent (at once when the grant itself took that long). The first try is
 * short, so a member that is down or hangs costs little; a failed try is made again after a pause,
 * each try of a failing streak given twice the time of the one before (up to the time left before
 * the loss) and a pause to match, until one succeeds or the lease is lost. So a leader election or
 * a slow disk costs tries, not the lease, and an outage does not bring every server to etcd at a
 * fixed rate. The lease counts as lost when
 * the TTL minus a margin has passed since the last renewal that succeeded (measured from when that
 * request was sent, which is no later than when etcd restarted its TTL), or at once when etcd
 * answers that the lease is gone.
 */
import { EtcdLeaseInvalidError, type Etcd3, type Lease } from 'etcd3';
import type { Logger } from '../log/types.js';
import type { Clock, ClockTimer } from '../timer/clock.js';

/** Why a lease was given up, for logs and tests. */
export interface LeaseLoss {
  /** The lease given up; its keys may still exist if etcd kept it alive after all. */
  leaseId: string;
  reason: string;
  /** Milliseconds since the last successful renewal was sent, when the keeper decided. */
  sinceRenewalMs?: number;
}

/** Options for {@link EtcdLeaseKeeper}. */
export interface EtcdLeaseKeeperOptions {
  client: Etcd3;
  clock: Clock;
  logger: Logger;
  ttlSeconds: number;
  /** The lease is taken as lost this long before etcd would expire it. */
  marginMs: number;
  /** Longest a keep-alive may take (it is also cut to a third of the TTL). */
  requestTimeoutMs: number;
  /**
   * The etcd members the client sends calls to (default 1). The first try of a renewal may take
   * that time shared by them: etcd3 sends each call to a member picked at random and does not fail
   * it over to another, so a member that is down or hangs costs a short try, and the next try
   * likely meets another member.
   */
  members?: number;
  /** Jitter for the pauses between failed tries, in [0, 1) (default Math.random). */
  random?: () => number;
  /** Called once per lease when it is taken as lost; not called after {@link EtcdLeaseKeeper.halt}. */
  onLost(loss: LeaseLoss): void;
}

/** One lease at a time: {@link EtcdLeaseKeeper.grant} replaces the previous one. */
export class EtcdLeaseKeeper {
  private lease: Lease | undefined;
  private leaseId: string | undefined;
  private renewTimer: ClockTimer | undefined;
  private lossTimer: ClockTimer | undefined;
  private renewedAt = 0;
  private lostAt = 0;
  /** Failed tries in a row for the current lease; 0 while renewals succeed. */
  private failedTries = 0;
  private closed = false;
  private renewalCount = 0;

  constructor(private readonly options: EtcdLeaseKeeperOptions) {}

  /** Keep-alives that succeeded, over every lease this keeper kept. */
  get renewals(): number {
    return this.renewalCount;
  }

  /** The id of the lease being kept alive, or `undefined` when there is none (never granted, lost or halted). */
  get id(): string | undefined {
    return this.leaseId;
  }

  /**
   * Grants a new lease and starts renewing it. Any lease kept before is abandoned (not revoked).
   * @returns the new lease's id.
   * @throws the etcd error when the grant fails or times out; an Error when the keeper was closed meanwhile.
   */
  async grant(): Promise<string> {
    this.halt();
    const { client, clock, ttlSeconds } = this.options;
    if (this.closed) throw new Error('lease keeper is closed');
    const lease = client.lease(ttlSeconds, { autoKeepAlive: false });
    // etcd3 also emits 'lost' for failures we see through our own calls; nothing more to do with it.
    lease.on('lost', () => undefined);
    const sentAt = clock.now();
    const id = await lease.grant();
    if (this.closed) {
      // Closed while the grant was in flight: nobody will renew or revoke this lease but us, now.
      await lease.revoke().catch(() => undefined);
      throw new Error('lease keeper is closed');
    }
    this.halt();
    this.lease = lease;
    this.leaseId = id;
    this.failedTries = 0;
    this.renewed(sentAt, ttlSeconds);
    return id;
  }

  /** Stops renewing without revoking: etcd ends the lease after its TTL. */
  halt(): void {
    if (this.renewTimer) this.options.clock.clearTimer(this.renewTimer);
    if (this.lossTimer) this.options.clock.clearTimer(this.lossTimer);
    this.renewTimer = this.lossTimer = undefined;
    this.lease?.release();
    this.lease = undefined;
    this.leaseId = undefined;
  }

  /**
   * Refuses later grants, including one in flight, and revokes the lease (see
   * {@link EtcdLeaseKeeper.revoke}), or with `revoke` false only stops renewing it.
   */
  async close(revoke = true): Promise<void> {
    this.closed = true;
    if (revoke) await this.revoke();
    else this.halt();
  }

  /** Stops renewing and asks etcd to end the lease now; failures are ignored (it then ends after its TTL). */
  async revoke(): Promise<void> {
    const lease = this.lease;
    this.halt();
    // revoke() ends etcd3's bookkeeping first, then sends the bounded LeaseRevoke call.
    await lease?.revoke().catch((err: unknown) => this.options.logger.debug('lease revoke failed; it will expire', { err }));
  }

  /**
   * How long the next try may take: the first of a streak a third of the TTL shared by the
   * members, each failed one doubling it, up to the time left before the loss.
   */
  private tryTimeoutMs(): number {
    const { requestTimeoutMs, ttlSeconds, members = 1, clock } = this.options;
    const first = Math.min(requestTimeoutMs, (ttlSeconds * 1000) / 3) / members;
    if (this.failedTries === 0) return first;
    return Math.max(first, Math.min(first * 2 ** this.failedTries, requestTimeoutMs, this.lostAt - clock.now()));
  }

  private scheduleRenewal(delayMs: number): void {
    if (this.renewTimer) this.options.clock.clearTimer(this.renewTimer);
    this.renewTimer = this.options.clock.setTimer(() => {
      this.renewTimer = undefined;
      void this.renew();
    }, delayMs);
  }

  // One try; it schedules the next, so exactly one is in flight or waiting for the current lease.
  private async renew(): Promise<void> {
    const lease = this.lease;
    if (!lease) return;
    const { clock, logger, random = Math.random } = this.options;
    const sentAt = clock.now();
    const timeoutMs = this.tryTimeoutMs();
    let res: { TTL: string };
    try {
      // A gRPC deadline is a wall-clock instant, compared inside gRPC with the system clock; the
      // call fails when it passes, so a try always ends and the next is scheduled.
      res = await lease.keepaliveOnce({ deadline: Date.now() + timeoutMs });
    } catch (err) {
      if (lease !== this.lease) return;
      if (err instanceof EtcdLeaseInvalidError) return this.lose('etcd reports the lease gone');
      // The first failure in a row is worth a warning; the loss, if it comes, is logged by the owner.
      if (this.failedTries === 0) logger.warn('etcd keep-alive failed; retrying', { leaseId: this.leaseId, err });
      this.failedTries++;
      // A refused connection fails at once: the pause keeps the tries from spinning, and grows with them.
      return this.scheduleRenewal((timeoutMs / 4) * (1 + random() / 2));
    }
    if (lease !== this.lease) return;
    const ttl = Number(res.TTL);
    if (!(ttl > 0)) return this.lose('etcd reports the lease gone');
    if (this.failedTries > 0) logger.info('etcd keep-alive recovered', { leaseId: this.leaseId, failedTries: this.failedTries });
    this.failedTries = 0;
    this.renewalCount++;
    this.renewed(sentAt, ttl);
  }

  private renewed(sentAt: number, ttlSeconds: number): void {
    const { clock, marginMs } = this.options;
    this.renewedAt = sentAt;
    if (this.lossTimer) clock.clearTimer(this.lossTimer);
    const lostAt = sentAt + ttlSeconds * 1000 - marginMs;
    this.lostAt = lostAt;
    this.lossTimer = clock.setTimer(() => {
      this.lossTimer = undefined;
      this.lose(`no successful keep-alive for ${Math.round(clock.now() - this.renewedAt)} ms`);
    }, lostAt - clock.now());
    // Counted from when the renewal was sent: a grant or a renewal that took long is followed at once.
    this.scheduleRenewal(sentAt + (this.options.ttlSeconds * 1000) / 3 - clock.now());
  }

  private lose(reason: string): void {
    const leaseId = this.leaseId!;
    const sinceRenewalMs = this.options.clock.now() - this.renewedAt;
    this.halt();
    this.options.onLost({ leaseId, reason, sinceRenewalMs });
  }
}
