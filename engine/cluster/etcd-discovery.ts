/**
 * {@link Discovery} on etcd, for clusters. The key layout is described in etcd-keys.ts; the parts:
 *   etcd-client.ts       the client: bounded calls, no hidden retry delays
 *   etcd-lease-keeper.ts this server's lease: our own keep-alive loop and loss detection
 *   etcd-claims.ts       create-only and holder-checked transactions (ids, names, load reports)
 *   etcd-watch-cache.ts  the local view of servers and names: list, watch, list again
 *   this file            registration, load reports, names, and re-registration after a loss
 *
 * After a loss (see {@link EtcdLeaseKeeper}) the server emits `self-lost`, then keeps trying, with
 * jittered backoff on the injected clock capped at half the lease's time, to grant a new lease and write its server key
 * under the same id and its names again; `self-registered` follows when that has worked. Keys that
 * its earlier lease still holds (etcd may have kept that lease alive after all) are taken over.
 * A registration counts only if the new lease is still kept when its keys are written. A server
 * that sees its own key removed while registered checks etcd and, if the key is gone or held by
 * another lease, takes its lease as lost and registers again.
 */
import type { Etcd3 } from 'etcd3';
import type { Logger } from '../log/types.js';
import type { Clock, ClockTimer } from '../timer/clock.js';
import { backoffDelay } from '../timer/backoff.js';
import { CoalescedWrite } from './coalesced-write.js';
import type { Discovery, DiscoveryEvent, DiscoveryStats, LoadReport, Mailbox, Registration, ServerInfo } from './discovery.js';
import { DiscoveryError } from './errors.js';
import { claimAgain, claimKey, claimReadableId, deleteKey, keyLease, rewriteKey } from './etcd-claims.js';
import { createEtcdClient, unavailable } from './etcd-client.js';
import type { EtcdKeys } from './etcd-keys.js';
import { EtcdLeaseKeeper, type LeaseLoss } from './etcd-lease-keeper.js';
import { resolveEtcdOptions, type EtcdDiscoveryOptions, type ResolvedEtcdOptions } from './etcd-options.js';
import { encodeMailbox, encodeServer } from './etcd-values.js';
import { EtcdWatchCache } from './etcd-watch-cache.js';
import { DiscoveryListeners } from './listeners.js';
import { asDraining, checkLoad, checkMailbox, checkName, checkRegistration, readableIdPrefix, toServerInfo, withLoad } from './registration.js';

export type { EtcdDiscoveryOptions } from './etcd-options.js';

type State = 'idle' | 'started' | 'crashed' | 'stopped';

/** One member of a cluster whose membership lives in etcd. */
export class EtcdDiscovery implements Discovery {
  readonly name = 'discovery';
  private readonly options: ResolvedEtcdOptions;
  private readonly keys: EtcdKeys;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly listeners: DiscoveryListeners;
  private state: State = 'idle';
  private client: Etcd3 | undefined;
  private keeper: EtcdLeaseKeeper | undefined;
  private cache: EtcdWatchCache | undefined;
  private me: ServerInfo | undefined;
  private registering = false;
  /** True from a lost lease until this server is registered again. */
  private lost = false;
  private leaseLosses = 0;
  /** Earlier leases of this server whose keys may be taken over when registering again. */
  private oldLeases: string[] = [];
  private recoveryTimer: ClockTimer | undefined;
  private recoveryAttempt = 0;
  private checkingOwnKey = false;
  /** A removal of the own key seen while one was being checked: checked again after it. */
  private ownKeyRemovedAgain = false;
  private readonly held = new Map<string, Mailbox>();
  private readonly loadWrite = new CoalescedWrite(() => this.writeSelf());

  /**
   * Checks the options; nothing connects before {@link EtcdDiscovery.start}.
   * @throws DiscoveryError `DISCOVERY_ERR_INVALID_ARGUMENT` for bad options.
   */
  constructor(options: EtcdDiscoveryOptions) {
    this.options = resolveEtcdOptions(options);
    this.keys = this.options.keys;
    this.clock = options.clock;
    this.logger = options.logger;
    this.listeners = new DiscoveryListeners(this.logger);
  }

  get self(): ServerInfo | undefined {
    return this.me;
  }

  stats(): DiscoveryStats {
    const registered = this.state === 'started' && this.me !== undefined && !this.lost && this.keeper?.id !== undefined;
    return { registered, leaseRenewals: this.keeper?.renewals ?? 0, leaseLosses: this.leaseLosses };
  }

  /** Connects (lazily: an unreachable etcd does not fail the start) and starts following the cluster. */
  async start(): Promise<void> {
    if (this.state === 'started') return;
    if (this.state !== 'idle') throw new Error(`EtcdDiscovery.start(): already ${this.state}`);
    const { hosts, requestTimeoutMs, leaseTtlSeconds, leaseMarginMs, retry } = this.options;
    const client = createEtcdClient({ hosts, requestTimeoutMs });
    this.client = client;
    this.keeper = new EtcdLeaseKeeper({
      client,
      clock: this.clock,
      logger: this.logger,
      ttlSeconds: leaseTtlSeconds,
      marginMs: leaseMarginMs,
      requestTimeoutMs,
      members: hosts.length,
      onLost: (loss) => this.onLeaseLost(loss),
    });
    this.cache = new EtcdWatchCache({
      client,
      keys: this.keys,
      clock: this.clock,
      logger: this.logger,
      retry,
      onChange: (change) => {
        this.listeners.emit(change);
        if (change.type === 'removed' && change.server.id === this.me?.id) void this.onOwnKeyRemoved();
      },
    });
    this.state = 'started';
    this.cache.start();
  }

  /**
   * Registers this server: grants its lease, then creates its server key (see etcd-keys.ts).
   * Resolves once this member's own cache shows the registration (or after `requestTimeoutMs`).
   * @throws DiscoveryError `DISCOVERY_ERR_ID_TAKEN`, `DISCOVERY_ERR_UNAVAILABLE` (etcd unreachable),
   *   `DISCOVERY_ERR_INVALID_ARGUMENT`, `DISCOVERY_ERR_ALREADY_REGISTERED`, `DISCOVERY_ERR_NOT_STARTED`.
   */
  async register(registration: Registration): Promise<ServerInfo> {
    const { client, keeper, cache } = this.started();
    if (this.me || this.registering) throw new DiscoveryError('DISCOVERY_ERR_ALREADY_REGISTERED', this.me?.id ?? 'registration in progress');
    checkRegistration(registration);
    this.registering = true;
    try {
      const leaseId = await keeper.grant().catch((err: unknown) =>
        Promise.reject(this.state === 'started' ? unavailable('lease grant', err) : new DiscoveryError('DISCOVERY_ERR_NOT_STARTED', 'stopped while registering')),
      );
      let claimed: { id: string; revision: number };
      try {
        if (registration.id === undefined) {
          const encode = (id: string): string => encodeServer(toServerInfo(registration, id));
          claimed = await claimReadableId(client, this.keys, readableIdPrefix(registration), encode, leaseId);
        } else {
          const id = registration.id;
          const revision = await claimKey(client, this.keys.server(id), encodeServer(toServerInfo(registration, id)), leaseId);
          if (revision === undefined) throw new DiscoveryError('DISCOVERY_ERR_ID_TAKEN', id);
          claimed = { id, revision };
        }
      } catch (err) {
        await keeper.revoke();
        throw unavailable('register', err);
      }
      if (this.state !== 'started') throw new DiscoveryError('DISCOVERY_ERR_NOT_STARTED', 'stopped while registering');
      // A lease lost before `self` exists has no one to re-register it; the caller may try again.
      if (keeper.id !== leaseId) throw new DiscoveryError('DISCOVERY_ERR_UNAVAILABLE', 'register: lease lost while registering');
      this.me = toServerInfo(registration, claimed.id);
      this.logger.info('server registered', { serverId: claimed.id, type: registration.type, leaseId });
      await cache.waitForRevision(claimed.revision, this.options.requestTimeoutMs);
      return this.me;
    } finally {
      this.registering = false;
    }
  }

  /**
   * Publishes a load report by rewriting the server key under the lease. Reports made while one is
   * being written are coalesced: the latest is written next. While the lease is lost the report is
   * kept and published with the next registration.
   * @throws DiscoveryError `DISCOVERY_ERR_NOT_REGISTERED` before `register`, `DISCOVERY_ERR_UNAVAILABLE` when etcd fails.
   */
  async reportLoad(load: LoadReport): Promise<void> {
    this.started();
    const me = this.requireRegistered();
    checkLoad(load);
    this.me = withLoad(me, load);
    return this.loadWrite.run();
  }

  /**
   * Rewrites this server's key marked draining, coalesced with the load reports (one write carries
   * both). While the lease is lost the mark is kept and written with the next registration.
   * @throws DiscoveryError `DISCOVERY_ERR_NOT_REGISTERED` before `register`, `DISCOVERY_ERR_UNAVAILABLE` when etcd fails.
   */
  async markDraining(): Promise<void> {
    this.started();
    const me = this.requireRegistered();
    if (me.draining) return;
    this.me = asDraining(me);
    return this.loadWrite.run();
  }

  servers(type?: string): readonly ServerInfo[] {
    const all = this.cache?.servers() ?? [];
    return type === undefined ? all : all.filter((s) => s.type === type);
  }

  server(id: string): ServerInfo | undefined {
    return this.cache?.server(id);
  }

  subscribe(listener: (event: DiscoveryEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  /**
   * Claims a name with a create-only transaction under this server's lease; claiming a name this
   * server already holds points it at the new mailbox.
   * @throws DiscoveryError `DISCOVERY_ERR_INVALID_NAME`, `DISCOVERY_ERR_INVALID_ARGUMENT` (a mailbox
   *   on another server), `DISCOVERY_ERR_NOT_REGISTERED`, `DISCOVERY_ERR_UNAVAILABLE` (etcd failed,
   *   or the lease is lost and being re-established).
   */
  async claimName(name: string, mailbox: Mailbox): Promise<boolean> {
    const { client, keeper, cache } = this.started();
    const me = this.requireRegistered();
    checkName(name);
    checkMailbox(mailbox, me.id);
    const leaseId = keeper.id;
    if (this.lost || leaseId === undefined) throw new DiscoveryError('DISCOVERY_ERR_UNAVAILABLE', `claim ${name}: lease lost, registering again`);
    const copy = Object.freeze({ serverId: mailbox.serverId, entityId: mailbox.entityId });
    const revision = await claimKey(client, this.keys.name(name), encodeMailbox(copy), leaseId).catch((err: unknown) =>
      Promise.reject(unavailable(`claim ${name}`, err)),
    );
    if (revision === undefined) return false;
    // Written under a lease that was replaced meanwhile: it goes with that lease.
    if (keeper.id !== leaseId) throw new DiscoveryError('DISCOVERY_ERR_UNAVAILABLE', `claim ${name}: lease lost while claiming`);
    this.held.set(name, copy);
    await cache.waitForRevision(revision, this.options.requestTimeoutMs);
    return true;
  }

  /**
   * Deletes a name this server holds (only while its lease holds it).
   * @throws DiscoveryError `DISCOVERY_ERR_INVALID_NAME`, `DISCOVERY_ERR_UNAVAILABLE` when etcd fails
   *   (the name then lasts until the lease ends).
   */
  async releaseName(name: string): Promise<void> {
    checkName(name);
    if (!this.held.delete(name)) return;
    const leaseId = this.keeper?.id;
    // Without a live lease the name is not written again, and goes with the old lease.
    if (this.state !== 'started' || this.lost || leaseId === undefined) return;
    const revision = await deleteKey(this.client!, this.keys.name(name), leaseId).catch((err: unknown) =>
      Promise.reject(unavailable(`release ${name}`, err)),
    );
    if (revision !== undefined) await this.cache!.waitForRevision(revision, this.options.requestTimeoutMs);
  }

  resolveName(name: string): Mailbox | undefined {
    return this.cache?.name(name);
  }

  /**
   * Stops renewing, revokes the lease (so this server and its names disappear at once; bounded by
   * `requestTimeoutMs`, a failure is ignored and the lease then expires) and closes the client.
   */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    const crashed = this.state === 'crashed';
    this.state = 'stopped';
    this.halt();
    await this.keeper?.close(!crashed);
    this.client?.close();
    this.held.clear();
  }

  /**
   * For tests: simulates a crash. Timers stop and the client is closed without revoking the lease,
   * so the other members see this server and its names until etcd expires the lease after its TTL.
   * Every later call except `stop()` fails with `DISCOVERY_ERR_NOT_STARTED`.
   */
  async simulateCrash(): Promise<void> {
    if (this.state !== 'started') return;
    this.state = 'crashed';
    this.halt();
    void this.keeper?.close(false);
    this.client?.close();
  }

  private halt(): void {
    if (this.recoveryTimer) this.clock.clearTimer(this.recoveryTimer);
    this.recoveryTimer = undefined;
    this.cache?.stop();
  }

  private started(): { client: Etcd3; keeper: EtcdLeaseKeeper; cache: EtcdWatchCache } {
    if (this.state !== 'started') throw new DiscoveryError('DISCOVERY_ERR_NOT_STARTED', `state is ${this.state}`);
    return { client: this.client!, keeper: this.keeper!, cache: this.cache! };
  }

  private requireRegistered(): ServerInfo {
    if (!this.me) throw new DiscoveryError('DISCOVERY_ERR_NOT_REGISTERED', 'call register() first');
    return this.me;
  }

  private async writeSelf(): Promise<void> {
    const leaseId = this.keeper?.id;
    if (this.state !== 'started' || this.lost || leaseId === undefined) return;
    const me = this.me!;
    const revision = await rewriteKey(this.client!, this.keys.server(me.id), encodeServer(me), leaseId).catch((err: unknown) =>
      Promise.reject(unavailable('load report', err)),
    );
    // Our lease no longer holds our key (it expired on etcd's side, or the key was deleted by hand).
    if (revision === undefined && this.keeper?.id === leaseId) {
      this.onLeaseLost({ leaseId, reason: 'the server key is no longer held by this lease' });
    }
  }

  // The last line of defence: whatever removed this server's key (its lease ended unnoticed, or
  // someone deleted it), a server that believes itself registered must not stay invisible. The
  // watch may deliver the removal of a key that was written again since, so etcd is asked first.
  private async onOwnKeyRemoved(): Promise<void> {
    if (this.lost || !this.me) return;
    if (this.checkingOwnKey) {
      // The read in flight may have seen the key before this removal: read again after it.
      this.ownKeyRemovedAgain = true;
      return;
    }
    const serverId = this.me.id;
    const leaseId = this.keeper?.id;
    this.checkingOwnKey = true;
    const read = await keyLease(this.client!, this.keys.server(serverId))
      .then((holder) => ({ holder }))
      // etcd unreachable: the keeper decides whether the lease is lost.
      .catch((err: unknown) => this.logger.debug('cannot check own server key', { serverId, err }))
      .finally(() => (this.checkingOwnKey = false));
    if (this.ownKeyRemovedAgain) {
      this.ownKeyRemovedAgain = false;
      return this.onOwnKeyRemoved();
    }
    if (!read || this.state !== 'started' || this.lost || this.keeper?.id !== leaseId || (leaseId !== undefined && read.holder === leaseId)) return;
    const { holder } = read;
    this.logger.warn('own server key gone from etcd while registered; registering again', { serverId, leaseId, holder });
    this.onLeaseLost({ leaseId, reason: holder === undefined ? 'the server key was removed from etcd' : 'the server key is held by another lease' });
  }

  // `leaseId` is absent only when no lease was being kept although the server counted as registered.
  private onLeaseLost(loss: Omit<LeaseLoss, 'leaseId'> & { leaseId: string | undefined }): void {
    if (this.state !== 'started' || !this.me || this.lost) return;
    this.lost = true;
    this.leaseLosses++;
    if (loss.leaseId !== undefined) this.oldLeases.push(loss.leaseId);
    this.logger.warn('discovery lease lost; registering again', { serverId: this.me.id, ...loss, leaseTtlSeconds: this.options.leaseTtlSeconds });
    this.listeners.emit({ type: 'self-lost' });
    this.scheduleRecovery(0);
  }

  private scheduleRecovery(delayMs: number): void {
    this.recoveryTimer = this.clock.setTimer(() => {
      this.recoveryTimer = undefined;
      void this.recover();
    }, delayMs);
  }

  // Same id, new lease; names another server took meanwhile are given up.
  private async recover(): Promise<void> {
    if (this.state !== 'started') return;
    const { client, keeper, cache } = this.started();
    const serverId = this.me!.id;
    this.recoveryAttempt++;
    try {
      // A grant in flight when stop() closes the keeper fails, so nothing outlives a stop.
      const leaseId = await keeper.grant();
      const written = this.me!;
      const names = new Map([...this.held].map(([name, mailbox]) => [name, encodeMailbox(mailbox)]));
      const taken = await claimAgain(client, this.keys, { id: serverId, value: encodeServer(written) }, names, leaseId, this.oldLeases);
      if (taken === undefined) {
        this.logger.error('cannot register again: another server holds this id; retrying', { serverId });
        await keeper.revoke();
        return this.retryRecovery();
      }
      for (const name of taken) {
        this.held.delete(name);
        this.logger.warn('name taken by another server while the lease was lost', { serverId, name });
      }
      if (this.state !== 'started') return;
      if (keeper.id !== leaseId) {
        // The keeper gave the new lease up while its keys were written (a slow member can outlast
        // the lease), a loss ignored while already lost: declared registered now, the server would
        // have no keep-alive, and its key would vanish with the lease without another word.
        this.oldLeases.push(leaseId);
        this.logger.warn('new lease lost while registering again; retrying', { serverId, leaseId });
        return this.retryRecovery();
      }
      for (const old of this.oldLeases) void client.leaseClient.leaseRevoke({ ID: old }).catch(() => undefined);
      this.oldLeases = [];
      this.lost = false;
      this.recoveryAttempt = 0;
      this.logger.info('server registered again', { serverId, leaseId });
      // The watch may have missed the outage (a silent network partition); listing again is cheap.
      cache.resync('registered again');
      this.listeners.emit({ type: 'self-registered', server: this.me! });
      if (this.me !== written) {
        // A load report arrived while registering again.
        void this.loadWrite.run().catch((err: unknown) => this.logger.warn('load report after registering again failed', { serverId, err }));
      }
    } catch (err) {
      if (this.state !== 'started') return;
      // Keys written under a lease that is abandoned here are taken over at the next attempt.
      if (keeper.id !== undefined) this.oldLeases.push(keeper.id);
      keeper.halt();
      const log = this.recoveryAttempt === 1 ? 'warn' : 'debug';
      this.logger[log]('registering again failed; retrying', { serverId, attempt: this.recoveryAttempt, err });
      this.retryRecovery();
    }
  }

  // At most half a lease's time between attempts: an etcd that restarts gives the leases it kept
  // their whole time again, and an attempt within that time takes this server's keys over from its
  // old lease before that lease expires and the others see this server leave and come back.
  private retryRecovery(): void {
    if (this.state !== 'started') return;
    this.scheduleRecovery(Math.min(backoffDelay(this.options.retry, this.recoveryAttempt), (this.options.leaseTtlSeconds * 1000) / 2));
  }
}
