/**
 * The gate module: listens for clients on its acceptors (TCP, WebSocket, KCP), runs one
 * {@link Agent} per connection and one {@link SessionManager} for the players, serves the `gate`
 * RPC service for lobbies (push, kick), rebinds sessions when a lobby leaves, and, draining, moves
 * its clients to other gates (client-moves.ts).
 *
 * Cut along the path a message takes: acceptor → agent → session → lobby (RPC).
 */
import type { Discovery } from '../engine/cluster/discovery.js';
import type { CatalogueEntry } from '../engine/errors/coded-error.js';
import type { Module } from '../engine/lifecycle/lifecycle.js';
import type { Logger } from '../engine/log/types.js';
import type { GateMetrics } from '../engine/metrics/gate-metrics.js';
import { PROTOCOL_VERSION, type ProtocolLimits } from '../engine/protocol/constants.js';
import { encodeServerHello } from '../engine/protocol/hello.js';
import type { Compression } from '../engine/protocol/compression.js';
import { MAX_HANDSHAKE_REPLY_PACKET, type ConnectionTiming } from '../engine/protocol/connection-core.js';
import { PROTOCOL_ERRORS } from '../engine/protocol/errors.js';
import { RouteDictionary } from '../engine/protocol/route-dictionary.js';
import type { X25519KeyPair } from '../engine/protocol/crypto-suite.js';
import { nodeCryptoSuite } from '../engine/protocol/node-crypto-suite.js';
import type { RpcNode } from '../engine/rpc/rpc-node.js';
import { GATE_METHODS, GATE_PEER_METHODS, GATE_SERVICE } from '../engine/session/session-contract.js';
import type { Clock } from '../engine/timer/clock.js';
import type { TimerService } from '../engine/timer/timer-service.js';
import { Agent, type AgentContext } from './agent.js';
import type { Acceptor } from './client-transport.js';
import { ConnectionAdmission } from './connection-admission.js';
import { errorBodyMapper, type ErrorMapper } from './error-body.js';
import { GATE_ERRORS, GateError } from './errors.js';
import { moveClients } from './client-moves.js';
import { OnlineUpkeep } from './online-upkeep.js';
import { RouteRules, type RouteRuleSet } from './route-rules.js';
import { SessionManager, type SessionManagerOptions } from './session-manager.js';
import { tracedForward } from './traced-forward.js';
import type { Tracing } from '../engine/tracing/tracing.js';

/** Settings of a {@link Gate}. */
export interface GateOptions {
  /** The gate's static X25519 identity; clients get the public half from the login service. */
  identity: X25519KeyPair;
  acceptors: Acceptor[];
  timing: ConnectionTiming;
  /** A connection not authenticated this long after accept is kicked with GATE_ERR_AUTH_TIMEOUT. */
  authTimeoutMs: number;
  limits: ProtocolLimits;
  compression: Compression | undefined;
  compressThreshold: number;
  /** The route dictionary sent in the server hello. */
  routes: readonly string[];
  rules: RouteRuleSet;
  rate: { perSecond: number; burst: number };
  maxPending: number;
  maxBufferedBytes: number;
  /**
   * Connections at most, across transports, counted from accept (a WebSocket's before its
   * upgrade); more are refused at once with GATE_ERR_FULL.
   */
  maxConnections: number;
  /** Connections that have not authenticated yet, at most; more are refused with GATE_ERR_TOO_MANY_HANDSHAKES. */
  maxPendingConnections: number;
  /** The same, from one address. */
  maxPendingPerAddress: number;
  /** Leading bits of an IPv6 address counted as one address in `maxPendingPerAddress` (default 64). */
  ipv6PrefixBits?: number;
  sessions: Omit<SessionManagerOptions, 'logger' | 'timers'>;
  /** How long an online-index entry lives unless this gate refreshes it (every third of it). */
  onlineTtlMs: number;
  rpc: RpcNode;
  discovery: Discovery;
  /** Catalogues of the errors lobbies answer with, so clients get their numeric codes. */
  lobbyErrors: readonly Readonly<Record<string, CatalogueEntry>>[];
  clock: Clock;
  timers: TimerService;
  logger: Logger;
  /** The host clients are told to connect to, when it differs from the listening interface. */
  publicHost?: string | undefined;
  /** The server type of gates (`gate`, or `standalone` in one process): where a drain sends clients. */
  gateType: string;
  /**
   * How long a drain gives its clients to move to other gates (`gate.drainMoveMs`) before it
   * kicks those still here; 0 kicks at once.
   */
  drainMoveMs: number;
  /** Where the gate counts what it does; undefined when metrics are off. */
  metrics?: GateMetrics | undefined;
  /** Spans of client requests (`gate <route>`, each the root of its trace), when tracing is on. */
  tracing?: Tracing | undefined;
}

/** One gate. */
export class Gate implements Module {
  readonly name = 'gate';
  readonly sessions: SessionManager;
  private readonly rules: RouteRules;
  private readonly admission: ConnectionAdmission;
  private readonly agents = new Set<Agent>();
  private readonly dirty = new Set<Agent>();
  private flushScheduled = false;
  private readonly context: AgentContext;
  private readonly toErrorBody: ErrorMapper;
  private readonly upkeep: OnlineUpkeep;
  private unsubscribe: (() => void) | undefined;
  private accepting = false;
  private ruleSet: RouteRuleSet;

  constructor(private readonly options: GateOptions) {
    const { clock, timers, logger } = options;
    this.rules = new RouteRules(options.rules);
    this.ruleSet = options.rules;
    this.sessions = new SessionManager({ ...options.sessions, timers, logger, metrics: options.metrics });
    this.admission = new ConnectionAdmission({
      maxConnections: options.maxConnections,
      maxPending: options.maxPendingConnections,
      maxPendingPerAddress: options.maxPendingPerAddress,
      ...(options.ipv6PrefixBits === undefined ? {} : { ipv6PrefixBits: options.ipv6PrefixBits }),
      clock,
      logger,
    });
    this.upkeep = new OnlineUpkeep({
      index: options.sessions.index,
      discovery: options.discovery,
      timers,
      logger,
      ttlMs: options.onlineTtlMs,
      records: () => this.sessions.records(),
      takenOver: (records) => void this.sessions.takenOver(records),
    });
    this.toErrorBody = errorBodyMapper([GATE_ERRORS, PROTOCOL_ERRORS, ...options.lobbyErrors], logger);
    checkHelloSize(options);
    this.context = {
      protocol: {
        identity: options.identity,
        crypto: nodeCryptoSuite,
        get gateId() {
          return options.sessions.gateId();
        },
        timing: options.timing,
        limits: options.limits,
        compression: options.compression,
        compressThreshold: options.compressThreshold,
        dictionary: new RouteDictionary(options.routes),
      },
      rules: this.rules,
      logger,
      now: () => clock.now(),
      rate: options.rate,
      authTimeoutMs: options.authTimeoutMs,
      maxPending: options.maxPending,
      maxBufferedBytes: options.maxBufferedBytes,
      scheduleFlush: (agent) => this.scheduleFlush(agent),
      scheduleTimer: (agent) => this.scheduleTimer(agent),
      authenticate: (agent, payload) => this.sessions.authenticate(agent, payload),
      forward: options.tracing ? tracedForward(options.tracing, this.sessions) : (agent, route, args, reply) => this.sessions.forward(agent, route, args, reply),
      closed: (agent, reason) => {
        if (agent.timer !== undefined) timers.cancel(agent.timer);
        agent.timer = undefined;
        this.agents.delete(agent);
        this.dirty.delete(agent);
        if (reason.code !== 0 && !reason.byPeer) logger.info('gate: connection kicked', { remote: agent.transport.remote, code: reason.name, reason: reason.message });
        this.sessions.agentClosed(agent, reason);
      },
      metrics: options.metrics,
    };
    options.metrics?.watch({ sessions: () => this.sessions.count, pendingRequests: () => this.pendingRequests() });
  }

  /** Open connections, a WebSocket's before its upgrade too. */
  get connectionCount(): number {
    return this.admission.connections;
  }

  /** Connections that have not authenticated yet. */
  get pendingCount(): number {
    return this.admission.pendingConnections;
  }

  /** Client requests waiting for their replies, across connections; walks them all, so for scrapes. */
  private pendingRequests(): number {
    let pending = 0;
    for (const agent of this.agents) pending += agent.pendingRequests;
    return pending;
  }

  /** What the gate publishes in discovery: client endpoints by transport and the identity key. */
  meta(): Record<string, string> {
    const meta: Record<string, string> = { publicKey: Buffer.from(this.options.identity.publicKey).toString('base64') };
    const publicHost = this.options.publicHost;
    for (const acceptor of this.options.acceptors) meta[acceptor.kind] = publicHost ? withHost(acceptor.endpoint, publicHost) : acceptor.endpoint;
    return meta;
  }

  /** The route rules in force. */
  get routeRules(): RouteRuleSet {
    return this.ruleSet;
  }

  /**
   * Replaces the route rules without a restart.
   * @throws Error for an invalid rule set; the old rules stay.
   */
  reloadRules(rules: RouteRuleSet): void {
    this.rules.replace(rules);
    this.ruleSet = rules;
    this.options.logger.info('gate: route rules reloaded', { rules: Object.keys(rules).length });
  }

  async start(): Promise<void> {
    const { rpc, discovery, logger } = this.options;
    rpc.serve(GATE_SERVICE, this.sessions, [...GATE_METHODS, ...GATE_PEER_METHODS]);
    this.unsubscribe = discovery.subscribe((event) => {
      if (event.type === 'removed' && event.server.type === this.options.sessions.lobbyType) {
        logger.warn('gate: lobby left; rebinding its sessions', { lobby: event.server.id });
        this.sessions.lobbyRemoved(event.server.id);
      }
    });
    this.upkeep.start();
    this.accepting = true;
    for (const acceptor of this.options.acceptors) {
      await acceptor.listen({
        admit: (remote) => {
          const admitted = this.accepting ? this.admission.admit(remote) : this.admission.refuseShuttingDown(remote);
          if (admitted instanceof GateError) this.options.metrics?.refused(acceptor.kind, admitted.code);
          return admitted;
        },
        accept: (transport, ticket) => {
          const agent = new Agent(this.context, transport, ticket, this.toErrorBody);
          if (!this.accepting) {
            agent.kick(new GateError('GATE_ERR_SHUTTING_DOWN', 'not accepting'));
          } else {
            this.agents.add(agent);
            this.scheduleTimer(agent);
          }
          return { onData: (bytes) => agent.input(bytes), onClose: (reason) => agent.protocol.transportClosed(reason) };
        },
      });
      logger.info('gate: listening', { transport: acceptor.kind, endpoint: acceptor.endpoint });
    }
  }

  /**
   * Stops accepting, tells every client to move to another gate and serves them until they have
   * (client-moves.ts), up to `drainMoveMs`; then ends the sessions still here (their lobbies
   * save), kicking their clients with GATE_ERR_SHUTTING_DOWN, and closes the listeners.
   */
  async drain(): Promise<void> {
    this.accepting = false;
    const { discovery, gateType, drainMoveMs, clock, timers, logger } = this.options;
    // The online index keeps naming this gate while its sessions move: a resume elsewhere checks it.
    await moveClients({ sessions: this.sessions, discovery, gateType, selfId: this.options.sessions.gateId(), moveMs: drainMoveMs, clock, timers, logger });
    this.upkeep.stop();
    await this.sessions.closeAll();
    for (const agent of this.agents) agent.kick(new GateError('GATE_ERR_SHUTTING_DOWN', 'reconnect to another gate'));
    this.flushAll();
    await Promise.all(this.options.acceptors.map((a) => a.close()));
  }

  async stop(): Promise<void> {
    this.accepting = false;
    this.upkeep.stop();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const agent of this.agents) agent.protocol.transportClosed('gate stopped');
    await Promise.all(this.options.acceptors.map((a) => a.close()));
  }

  private scheduleFlush(agent: Agent): void {
    this.dirty.add(agent);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // One packet per connection per turn, however many replies the turn produced.
    setImmediate(() => this.flushAll());
  }

  private flushAll(): void {
    this.flushScheduled = false;
    const now = this.options.clock.now();
    for (const agent of this.dirty) agent.protocol.flush(now);
    this.dirty.clear();
  }

  /** One timer per connection in the shared timer heap, at its protocol's next deadline. */
  private scheduleTimer(agent: Agent): void {
    const { clock, timers } = this.options;
    if (agent.timer !== undefined) timers.cancel(agent.timer);
    agent.timer = undefined;
    const due = Math.min(agent.protocol.check(), agent.authDue);
    if (due === Infinity) return;
    agent.timer = timers.once(Math.max(0, due - clock.now()), () => {
      agent.timer = undefined;
      agent.update(clock.now());
      this.scheduleFlush(agent);
      this.scheduleTimer(agent);
    });
  }
}

/** `endpoint` (`host:port` or `ws://host:port/path`) with its host replaced. */
function withHost(endpoint: string, host: string): string {
  const url = /^(ws:\/\/)?(\[[^\]]+\]|[^:/]+)(:\d+.*)$/.exec(endpoint);
  return url ? `${url[1] ?? ''}${host}${url[3]}` : endpoint;
}

/**
 * A server hello too large for a client to accept would fail every handshake: refuse the
 * configuration at start instead.
 * @throws Error when the route dictionary makes the hello too large.
 */
function checkHelloSize(options: GateOptions): void {
  let size: number;
  try {
    size = encodeServerHello({
      version: PROTOCOL_VERSION,
      serializer: 'msgpack',
      gateId: 'x'.repeat(128),
      heartbeatMs: options.timing.heartbeatMs,
      timeoutMs: options.timing.timeoutMs,
      maxPacketBytes: options.limits.maxPacketBytes,
      maxMessageBytes: options.limits.maxMessageBytes,
      compression: 'deflate-raw',
      compressThreshold: options.compressThreshold,
      routes: [...options.routes],
    }).length;
  } catch (err) {
    throw new Error(`gate: the route dictionary does not fit a server hello: ${(err as Error).message}`);
  }
  // The reply adds an ephemeral key and a tag around the hello.
  if (size + 64 > MAX_HANDSHAKE_REPLY_PACKET) throw new Error(`gate: the route dictionary makes a server hello of ${size} bytes; clients accept ${MAX_HANDSHAKE_REPLY_PACKET}`);
}
