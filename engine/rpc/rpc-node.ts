/**
 * One server's end of the cluster RPC: it listens for peers, dials them on demand (one link per
 * pair of servers, used in both directions), sends calls and notifications, answers calls from
 * its services and entities, and keeps the promise that no call hangs: each settles with a
 * result, a RemoteError, or an RpcError by its deadline at the latest, and at once when its link
 * is lost. Calls to this server itself skip the socket and the codec (local-copy.ts) and keep the
 * rest: order, deadlines, errors. A call to an entity
 * that moved to another server (RPC_ERR_ENTITY_MOVED) is sent on there within its deadline, a
 * bounded number of times, and later calls to the old mailbox go straight to the new server.
 */
import { createServer, type Server } from 'node:net';
import { MsgpackCodec } from '../codec/msgpack-codec.js';
import { MsgpackWriter } from '../codec/msgpack-writer.js';
import type { CodecLimits } from '../codec/limits.js';
import type { Mailbox } from '../cluster/discovery.js';
import { RPC_CONTRACT_RANGE, type VersionRange } from './rpc-versions.js';
import type { Module } from '../lifecycle/lifecycle.js';
import type { Logger } from '../log/types.js';
import type { Backoff } from '../timer/backoff.js';
import type { Clock } from '../timer/clock.js';
import type { TimerService } from '../timer/timer-service.js';
import { Inbound, type ReplySink } from './inbound.js';
import { KIND, type CallEnvelope, type Envelope, type NotifyEnvelope } from './envelope.js';
import { encodeEnvelope } from './envelope-codec.js';
import { LocalCopy } from './local-copy.js';
import { RemoteError, RpcError, rpcCodeOfWire, REMOTE_ERROR_WIRE } from './errors.js';
import type { LinkSettings } from './link.js';
import { CallDeadlines } from './call-deadlines.js';
import { Peer, PendingCall } from './peer.js';
import { PeerLinks } from './peer-links.js';
import { MIN_RPC_SECRET_BYTES } from '../config/check-rpc-secret.js';
import { MovedEntities } from './moved-entities.js';
import type { PendingHandshakeLimits } from './pending-handshakes.js';
import { globalEntity } from './global-proxy.js';
import { remoteEntity, remoteService, type RemoteEntity, type RemoteService, type UntypedEntity, type UntypedService } from './remote-proxy.js';
import { Targets, type EntityDirectory } from './targets.js';
import type { RpcSpans, TraceContext } from './trace-context.js';

/** Per-call options. */
export interface CallOptions {
  /** Time allowed for the reply (default: the node's `defaultTimeoutMs`). */
  timeoutMs?: number;
  /** Trace to send, a `traceparent` or a bare trace id (default: the current one from the trace context; no span is made for the call). */
  traceId?: string;
}

/** Settings of an {@link RpcNode}; see {@link RPC_DEFAULTS} for the optional ones. */
export interface RpcNodeOptions {
  /** This server's id; peers must know it from discovery. */
  serverId: string;
  /**
   * The secret every server of the cluster shares, at least 32 bytes: each side of a new link
   * proves it knows it, and a connection that cannot is refused.
   */
  secret: Uint8Array;
  /** Interface and port to listen on; port 0 picks a free one. */
  host: string;
  port: number;
  /** Host peers dial, when it differs from `host` (listening on 0.0.0.0, say). */
  advertiseHost?: string;
  /**
   * Where a server can be reached (`host:port`), usually from discovery. A peer's HELLO must come
   * from the host its id resolves to.
   */
  resolve(serverId: string): string | undefined;
  /** Finds the mailbox behind a cluster-wide name, usually from discovery. */
  resolveName?(name: string): Mailbox | undefined;
  /** The RPC contract versions this server speaks (default {@link RPC_CONTRACT_RANGE}). */
  contractRange?: VersionRange;
  /**
   * The contract range a server publishes, usually from its registration's meta; undefined for a
   * server that states none (a build from before ranges), which is sent the HELLO it knows.
   * Default: every peer states one.
   */
  peerContractRange?(serverId: string): VersionRange | undefined;
  /** Where entity calls find their target. */
  entities?: EntityDirectory;
  clock: Clock;
  timers: TimerService;
  logger: Logger;
  trace?: TraceContext;
  /** Spans of calls sent and served (tracing on); absent, calls carry the trace and make no span. */
  spans?: RpcSpans;
  codecLimits?: Partial<CodecLimits>;
  link?: Partial<LinkSettings>;
  /** Default time allowed for a reply. */
  defaultTimeoutMs?: number;
  /** Longest wait for a TCP connect to a peer. */
  connectTimeoutMs?: number;
  /** Delays between failed dials to one peer. */
  reconnect?: Backoff;
  /** Cap on calls waiting for replies, over all peers. */
  maxPendingCalls?: number;
  /** Cap on open and opening links, less accepted connections not proved yet; connections past it are refused. */
  maxLinks?: number;
  /** Caps and deadline of accepted connections that have not proved the secret yet. */
  handshakes?: Partial<PendingHandshakeLimits>;
  /** Cap on handlers of calls from others still running; calls past it get RPC_ERR_OVERLOADED. */
  maxInFlight?: number;
  /** Redirects of an entity that moved one call follows at most before it fails with RPC_ERR_ENTITY_MOVED. */
  maxMovedHops?: number;
  /** Old mailboxes of entities that moved remembered with their new server, so that later calls go straight there. */
  maxMovedEntities?: number;
  /** Told of every call this node makes once it settles (metrics); without it nothing is measured. */
  metrics?: RpcCallObserver;
}

/** What learns how each call made by a node ended, and how long it took (engine/metrics/rpc-metrics.ts). */
export interface RpcCallObserver {
  /**
   * A call to `scope` (a service or component name) settled `seconds` after it was made, with
   * the error it was rejected with (`undefined` when it succeeded). Must not throw.
   */
  callSettled(scope: string, seconds: number, error: unknown): void;
}

/** Defaults for the optional {@link RpcNodeOptions}. */
export const RPC_DEFAULTS = {
  link: { heartbeatIntervalMs: 1_000, deadAfterMs: 5_000, handshakeTimeoutMs: 5_000, maxQueuedBytes: 16 * 1024 * 1024 },
  defaultTimeoutMs: 5_000,
  connectTimeoutMs: 3_000,
  reconnect: { baseMs: 100, maxMs: 5_000 },
  maxPendingCalls: 1_000_000,
  maxLinks: 1_024,
  maxInFlight: 100_000,
  handshakes: { maxPerAddress: 16, maxTotal: 256, timeoutMs: 2_000 },
  maxMovedHops: 32,
  maxMovedEntities: 10_000,
} as const;

// Call ids stay in msgpack's 4-byte range; a wrapped id cannot meet a live one in practice
// because pending calls are capped far below it.
const MAX_CALL_ID = 0xffff_ffff;

/** Counters for metrics. */
export interface RpcStats {
  /** Links, accepted connections not proved yet included. */
  links: number;
  /** Accepted connections that have not proved the secret yet. */
  unproved: number;
  peers: number;
  pendingCalls: number;
  callsSent: number;
  notifiesSent: number;
  callsReceived: number;
  notifiesReceived: number;
  /** Bytes waiting in the write queues of links, and for links to open. */
  queuedBytes: number;
  /** Calls whose deadline had passed on arrival or before the reply, so no reply was sent. */
  expiredOnArrival: number;
  expiredReplies: number;
  /** Calls and notifications refused because too many handlers were running. */
  refused: number;
  /** Entity calls sent on to the server their entity moved to. */
  movedRedirects: number;
}

/** The RPC endpoint of one server process. */
export class RpcNode implements Module {
  readonly name = 'rpc';
  /** The services and entities this node answers for. */
  readonly targets: Targets;
  private readonly codec: MsgpackCodec;
  private readonly writer: MsgpackWriter;
  private readonly local: LocalCopy;
  private readonly settings: LinkSettings;
  private readonly links: PeerLinks;
  private self: Peer;
  private id: string;
  private readonly inbound: Inbound;
  private readonly deadlines: CallDeadlines<PendingCall>;
  private server: Server | undefined;
  private boundAddress: string | undefined;
  private nextId = 0;
  private pendingCount = 0;
  private stopped = false;
  private readonly counters = { callsSent: 0, notifiesSent: 0, movedRedirects: 0 };
  private readonly moved: MovedEntities;

  /** @throws RangeError for a secret shorter than 32 bytes. */
  constructor(private readonly options: RpcNodeOptions) {
    if (options.secret.length < MIN_RPC_SECRET_BYTES) throw new RangeError(`RpcNode: the cluster secret must have at least ${MIN_RPC_SECRET_BYTES} bytes, got ${options.secret.length}`);
    this.codec = new MsgpackCodec(options.codecLimits);
    this.writer = new MsgpackWriter(this.codec.limits);
    this.local = new LocalCopy(this.codec, this.writer);
    this.settings = { ...RPC_DEFAULTS.link, ...options.link };
    this.targets = new Targets(options.entities, () => this.id);
    this.moved = new MovedEntities(options.maxMovedEntities ?? RPC_DEFAULTS.maxMovedEntities);
    this.id = options.serverId;
    this.self = new Peer(options.serverId, this.settings.maxQueuedBytes);
    this.deadlines = new CallDeadlines(options.clock, options.timers, (call) => this.expire(call));
    this.inbound = new Inbound({
      targets: this.targets,
      clock: options.clock,
      logger: options.logger,
      trace: options.trace,
      spans: options.spans,
      maxInFlight: options.maxInFlight ?? RPC_DEFAULTS.maxInFlight,
      forward: (serverId, envelope) => this.forward(serverId, envelope),
    });
    this.links = new PeerLinks({
      serverId: () => this.id,
      resolve: options.resolve,
      secret: options.secret,
      contractRange: options.contractRange ?? RPC_CONTRACT_RANGE,
      peerContractRange: options.peerContractRange ?? (() => RPC_CONTRACT_RANGE),
      handshakes: { ...RPC_DEFAULTS.handshakes, ...options.handshakes },
      codec: this.codec,
      writer: this.writer,
      clock: options.clock,
      timers: options.timers,
      logger: options.logger,
      settings: this.settings,
      connectTimeoutMs: options.connectTimeoutMs ?? RPC_DEFAULTS.connectTimeoutMs,
      reconnect: options.reconnect ?? RPC_DEFAULTS.reconnect,
      maxLinks: options.maxLinks ?? RPC_DEFAULTS.maxLinks,
      deliver: (peer, link, envelope) => this.handle(peer, link, envelope),
      fail: (peer, error) => this.failPeer(peer, error),
    });
  }

  /** The RPC contract versions this node speaks. */
  get contractRange(): VersionRange {
    return this.options.contractRange ?? RPC_CONTRACT_RANGE;
  }

  /** The RPC contract version the open link to `serverId` speaks; undefined without one. */
  contractWith(serverId: string): number | undefined {
    return this.links.openLink(serverId)?.contract;
  }

  /** This server's id. */
  get serverId(): string {
    return this.id;
  }

  /**
   * Changes this server's id, for ids that discovery assigns at registration (which needs the
   * address this node listens on, so it comes after {@link start}).
   * @throws Error once a peer knows this node (a finished handshake) or a call is pending.
   */
  assignServerId(serverId: string): void {
    if (this.links.peerCount > 0 || this.pendingCount > 0) throw new Error(`RpcNode.assignServerId: ${this.id} is already in use`);
    this.id = serverId;
    this.self = new Peer(serverId, this.settings.maxQueuedBytes);
  }

  /**
   * `host:port` peers reach this node at, once started.
   * @throws Error before {@link start}.
   */
  get address(): string {
    if (!this.boundAddress) throw new Error('RpcNode.address: not started');
    return this.boundAddress;
  }

  /** Listens for peers. */
  async start(): Promise<void> {
    const server = createServer((socket) => this.links.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.options.logger.error('rpc: listener failed', { err }));
    const bound = server.address();
    if (bound === null || typeof bound === 'string') throw new Error('RpcNode.start: no TCP address');
    this.boundAddress = `${this.options.advertiseHost ?? this.options.host}:${bound.port}`;
    this.options.logger.info('rpc: listening', { address: this.boundAddress });
  }

  /** Waits until no handler this node runs is in flight and no call it made is pending. */
  async drain(): Promise<void> {
    while (this.inbound.inFlight > 0 || this.pendingCount > 0) {
      await new Promise<void>((resolve) => this.options.clock.setTimer(resolve, 10));
    }
  }

  /** Closes every link (telling peers), fails pending calls with `RPC_ERR_CLOSED`, stops listening. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const closing = new RpcError('RPC_ERR_CLOSED', `${this.serverId} is stopping`);
    for (const peer of [...this.links.stop(closing), this.self]) this.failPeer(peer, closing);
    this.deadlines.clear();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * Makes `impl`'s `methods` callable by other servers as `name.method`.
   * @throws Error for a bad or taken name or a listed method that is not a function.
   */
  serve(name: string, impl: object, methods: readonly string[]): void {
    this.targets.serve(name, impl, methods);
  }

  /**
   * Calls `service.method(...args)` on server `serverId`.
   * @returns the method's result, copied through the codec.
   * @throws (rejects) RemoteError when the method threw; RpcError for everything else.
   */
  call(serverId: string, service: string, method: string, args: readonly unknown[], options?: CallOptions): Promise<unknown> {
    if (!this.options.metrics) return this.request(serverId, null, service, method, args, options);
    return this.observed(service, this.options.clock.now(), this.request(serverId, null, service, method, args, options));
  }

  /**
   * Calls `component.method(...args)` on the entity at `mailbox`, following it when it moved to
   * another server; see {@link call}.
   * @throws (rejects) RpcError RPC_ERR_ENTITY_MOVED after `maxMovedHops` redirects in one call.
   */
  callEntity(mailbox: Mailbox, component: string, method: string, args: readonly unknown[], options?: CallOptions): Promise<unknown> {
    const timeoutMs = options?.timeoutMs ?? this.options.defaultTimeoutMs ?? RPC_DEFAULTS.defaultTimeoutMs;
    const deadline = this.options.clock.now() + timeoutMs;
    const send = (serverId: string, hops: number): Promise<unknown> => {
      const left = Math.max(0, deadline - this.options.clock.now());
      return this.request(serverId, mailbox.entityId, component, method, args, { ...options, timeoutMs: hops === 0 ? timeoutMs : left }).then(
        (result) => {
          if (hops > 0) this.moved.learn(mailbox, serverId);
          return result;
        },
        (err: unknown) => {
          if (!(err instanceof RpcError && err.code === 'RPC_ERR_ENTITY_MOVED')) {
            // A server it was redirected to or remembered at failed: the next call asks its mailbox.
            if (serverId !== mailbox.serverId) this.moved.forget(mailbox);
            throw err;
          }
          if (hops >= (this.options.maxMovedHops ?? RPC_DEFAULTS.maxMovedHops)) throw err;
          this.counters.movedRedirects++;
          return send(err.detail, hops + 1);
        },
      );
    };
    if (!this.options.metrics) return send(this.moved.serverFor(mailbox), 0);
    // Measured over every redirect, as the caller waits for it.
    return this.observed(component, this.options.clock.now(), send(this.moved.serverFor(mailbox), 0));
  }

  /**
   * Sends `service.method(...args)` to `serverId` without waiting for anything back; the callee
   * logs what it throws.
   * @throws RpcError when it cannot even be queued (overloaded, unknown server, stopped).
   */
  notify(serverId: string, service: string, method: string, args: readonly unknown[], options?: CallOptions): void {
    this.post(serverId, null, service, method, args, options);
  }

  /**
   * Sends `component.method(...args)` to the entity at `mailbox` (or where it was last found; the
   * server it left sends it on); see {@link notify}.
   */
  notifyEntity(mailbox: Mailbox, component: string, method: string, args: readonly unknown[], options?: CallOptions): void {
    this.post(this.moved.serverFor(mailbox), mailbox.entityId, component, method, args, options);
  }

  /** A proxy for the entity at `mailbox`: `remote(mb).Inventory.addItem(x)` returns a promise. */
  remote<T = UntypedEntity>(mailbox: Mailbox, options?: CallOptions): RemoteEntity<T> {
    return remoteEntity<T>(this, mailbox, options);
  }

  /** A proxy for service `name` on `serverId`: `service(id, 'chat').send(text)`. */
  service<T = UntypedService>(serverId: string, name: string, options?: CallOptions): RemoteService<T> {
    return remoteService<T>((method, args) => this.call(serverId, name, method, args, options));
  }

  /**
   * A proxy for the entity behind a cluster-wide name, looked up at each call.
   * Calls reject with `RPC_ERR_UNKNOWN_NAME` while no mailbox holds the name.
   */
  named<T = UntypedEntity>(name: string, options?: CallOptions): RemoteEntity<T> {
    return remoteEntity<T>(this, () => this.options.resolveName?.(name) ?? new RpcError('RPC_ERR_UNKNOWN_NAME', name), options);
  }

  /**
   * A proxy for global entity `name` (global-proxy.ts): while no live owner holds it, a call
   * waits for one within its deadline (`timeoutMs`, default the node's); a call whose owner died
   * under it fails at once with `RPC_ERR_LINK_LOST`.
   */
  global<T = UntypedEntity>(name: string, options?: CallOptions): RemoteEntity<T> {
    const parts = { caller: this, resolve: (key: string) => this.options.resolveName?.(key), clock: this.options.clock };
    return globalEntity<T>(parts, name, { ...options, timeoutMs: options?.timeoutMs ?? this.options.defaultTimeoutMs ?? RPC_DEFAULTS.defaultTimeoutMs });
  }

  /** Counters and gauges for metrics. */
  stats(): RpcStats {
    return {
      links: this.links.linkCount,
      unproved: this.links.unprovedCount,
      peers: this.links.peerCount,
      pendingCalls: this.pendingCount,
      ...this.counters,
      callsReceived: this.inbound.callsReceived,
      notifiesReceived: this.inbound.notifiesReceived,
      queuedBytes: this.links.queuedBytes,
      expiredOnArrival: this.inbound.expiredOnArrival,
      expiredReplies: this.inbound.expiredReplies,
      refused: this.inbound.refused,
      movedRedirects: this.counters.movedRedirects,
    };
  }

  // Tells the metrics how `call`, made at `started`, ended once it settles; the caller gets `call` itself.
  private observed(scope: string, started: number, call: Promise<unknown>): Promise<unknown> {
    const { clock, metrics } = this.options;
    call.then(
      () => metrics!.callSettled(scope, (clock.now() - started) / 1_000, undefined),
      (err: unknown) => metrics!.callSettled(scope, (clock.now() - started) / 1_000, err),
    );
    return call;
  }

  // ---------------------------------------------------------------------------------------------
  // Sending

  private request(serverId: string, to: string | null, scope: string, method: string, args: readonly unknown[], options?: CallOptions): Promise<unknown> {
    const span = this.options.spans !== undefined && options?.traceId === undefined ? this.options.spans.call(serverId, scope, method) : undefined;
    if (span === undefined) return this.sendCall(serverId, to, scope, method, args, options, options?.traceId ?? this.options.trace?.current() ?? null);
    const call = this.sendCall(serverId, to, scope, method, args, options, span.trace);
    call.then(
      () => span.end(),
      (err: unknown) => span.end(err),
    );
    return call;
  }

  private sendCall(serverId: string, to: string | null, scope: string, method: string, args: readonly unknown[], options: CallOptions | undefined, trace: string | null): Promise<unknown> {
    const timeoutMs = options?.timeoutMs ?? this.options.defaultTimeoutMs ?? RPC_DEFAULTS.defaultTimeoutMs;
    const maxPending = this.options.maxPendingCalls ?? RPC_DEFAULTS.maxPendingCalls;
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) return Promise.reject(new RangeError(`timeoutMs must be a finite number >= 0, got ${timeoutMs}`));
    return new Promise((resolve, reject) => {
      if (this.pendingCount >= maxPending) {
        reject(new RpcError('RPC_ERR_OVERLOADED', `${this.pendingCount} calls pending, cap ${maxPending}`));
        return;
      }
      let peer: Peer;
      try {
        peer = this.peerFor(serverId);
      } catch (err) {
        reject(err);
        return;
      }
      // Ids wrap after 2^32 calls; one still pending (a very long timeout) is skipped.
      do this.nextId = this.nextId >= MAX_CALL_ID ? 1 : this.nextId + 1;
      while (peer.pending.has(this.nextId));
      const id = this.nextId;
      // Pending before it is sent: sending may fail the peer's calls at once (a server that left).
      const call = new PendingCall(id, peer, scope, method, timeoutMs, resolve, reject);
      peer.pending.set(id, call);
      this.deadlines.track(call, timeoutMs);
      this.pendingCount++;
      try {
        this.transmit(peer, [KIND.CALL, id, timeoutMs, trace, to, scope, method, args as unknown[]], call.deadline);
      } catch (err) {
        if (peer.pending.get(id) === call) {
          peer.pending.delete(id);
          this.pendingCount--;
          this.deadlines.settle(call);
          reject(err);
        }
        return;
      }
      this.counters.callsSent++;
    });
  }

  private expire(call: PendingCall): void {
    if (call.peer.pending.get(call.id) !== call) return;
    call.peer.pending.delete(call.id);
    this.pendingCount--;
    call.reject(new RpcError('RPC_ERR_DEADLINE_EXCEEDED', `${call.scope}.${call.method} on ${call.peer.id}: no reply within ${call.timeoutMs} ms`));
  }

  private post(serverId: string, to: string | null, scope: string, method: string, args: readonly unknown[], options?: CallOptions): void {
    const trace = options?.traceId ?? this.options.trace?.current() ?? null;
    this.transmit(this.peerFor(serverId), [KIND.NOTIFY, trace, to, scope, method, args as unknown[]], undefined);
    this.counters.notifiesSent++;
  }

  // A notification whose entity moved, sent on where it went; a failure is logged, as the
  // notification's own would be.
  private forward(serverId: string, envelope: NotifyEnvelope): void {
    try {
      this.transmit(this.peerFor(serverId), envelope, undefined);
    } catch (err) {
      this.options.logger.warn('rpc: notification not sent on to where its entity moved', { err, serverId, target: `${envelope[2] ?? ''}/${envelope[3]}.${envelope[4]}` });
    }
  }

  private peerFor(serverId: string): Peer {
    if (this.stopped) throw new RpcError('RPC_ERR_CLOSED', `${this.serverId} is stopped`);
    return serverId === this.serverId ? this.self : this.links.peer(serverId);
  }

  /** Sends an envelope to `peer`, or queues it while its link opens (`deadline`: a call's). */
  private transmit(peer: Peer, envelope: CallEnvelope | NotifyEnvelope, deadline: number | undefined): void {
    if (peer === this.self) {
      const local: CallEnvelope | NotifyEnvelope =
        envelope[0] === KIND.CALL ? [KIND.CALL, envelope[1], envelope[2], envelope[3], envelope[4], envelope[5], envelope[6], this.local.args(envelope[7])] : [KIND.NOTIFY, envelope[1], envelope[2], envelope[3], envelope[4], this.local.args(envelope[5])];
      queueMicrotask(() => this.handle(this.self, this.localSink, local));
    } else if (peer.link) {
      peer.link.send(envelope);
    } else {
      peer.enqueue(this.encodeCopy(envelope), deadline);
      this.links.dial(peer);
    }
  }

  private encodeCopy(envelope: CallEnvelope | NotifyEnvelope): Uint8Array {
    let frame: Uint8Array;
    try {
      frame = encodeEnvelope(envelope, this.writer);
    } catch (err) {
      if (err instanceof RpcError) throw err;
      throw new RpcError('RPC_ERR_ENCODING', err instanceof Error ? err.message : String(err), { cause: err });
    }
    if (frame.length > this.codec.limits.maxFrameBytes) throw new RpcError('RPC_ERR_ENCODING', `encoded ${frame.length} bytes > ${this.codec.limits.maxFrameBytes}`);
    return frame;
  }

  // ---------------------------------------------------------------------------------------------
  // Calls within this process: the dispatch of a call from a peer, with values copied instead of
  // encoded, one microtask each way as a frame would take one turn.

  private readonly localSink: ReplySink = {
    closed: false,
    send: (envelope) => {
      const reply = envelope[0] === KIND.RESULT ? ([KIND.RESULT, envelope[1], this.local.value(envelope[2])] as const) : envelope;
      queueMicrotask(() => this.handle(this.self, this.localSink, reply as Envelope));
    },
  };

  // ---------------------------------------------------------------------------------------------
  // Replies and calls from peers (handshake envelopes stay in PeerLinks)

  private handle(peer: Peer, from: ReplySink, envelope: Envelope): void {
    switch (envelope[0]) {
      case KIND.CALL:
      case KIND.NOTIFY:
        this.inbound.dispatch(from, envelope);
        return;
      case KIND.RESULT:
      case KIND.ERROR: {
        const call = peer.pending.get(envelope[1]);
        if (!call) return; // its deadline passed already
        peer.pending.delete(envelope[1]);
        this.pendingCount--;
        this.deadlines.settle(call);
        if (envelope[0] === KIND.RESULT) call.resolve(envelope[2]);
        else call.reject(this.errorFromWire(peer.id, envelope[2], envelope[3], envelope[4]));
        return;
      }
      default:
        return;
    }
  }

  private errorFromWire(serverId: string, wire: number, code: string, message: string): Error {
    if (wire === REMOTE_ERROR_WIRE) return new RemoteError(code, message, serverId);
    const rpcCode = rpcCodeOfWire(wire);
    // Its detail is the server the entity moved to, as the caller follows it.
    if (rpcCode === 'RPC_ERR_ENTITY_MOVED') return new RpcError(rpcCode, message);
    return new RpcError(rpcCodeOfWire(wire) ?? 'RPC_ERR_PROTOCOL', `${serverId}: ${message}`);
  }

  private failPeer(peer: Peer, error: RpcError): void {
    for (const call of peer.takePending()) {
      this.pendingCount--;
      this.deadlines.settle(call);
      call.reject(error);
    }
  }
}
