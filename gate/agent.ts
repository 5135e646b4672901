/**
 * One client connection on the gate: the protocol state machine between a transport and the
 * gate's sessions. It checks what arrives (rate, route rules, authentication) and turns replies
 * and pushes into messages; who the player is lives in the {@link Session} it is attached to.
 *
 * Pipeline, incoming: transport → protocol (decrypt, inflate) → rate limit → route rule → session.
 *         outgoing: session → protocol (queue) → one flush per turn → transport.
 */
import { MESSAGE_KIND, SYSTEM_ROUTE } from '../engine/protocol/constants.js';
import { GateProtocol, type GateProtocolSettings } from '../engine/protocol/gate-protocol.js';
import type { CloseReason } from '../engine/protocol/kick.js';
import type { Message } from '../engine/protocol/message.js';
import type { SharedPush } from './shared-push.js';
import { decode, encode } from '../engine/codec/msgpack-codec.js';
import type { Logger } from '../engine/log/types.js';
import type { GateMetrics, TransportCounters } from '../engine/metrics/gate-metrics.js';
import type { ClientTransport } from './client-transport.js';
import type { AdmissionTicket } from './connection-admission.js';
import type { ErrorMapper } from './error-body.js';
import { GateError, type GateErrorCode } from './errors.js';
import { RateLimiter } from './rate-limiter.js';
import type { RouteRules } from './route-rules.js';
import type { Session } from './session.js';
import type { TimerId } from '../engine/timer/timer-service.js';

/** What an agent needs from its gate. */
export interface AgentContext {
  protocol: GateProtocolSettings;
  rules: RouteRules;
  logger: Logger;
  now(): number;
  /** Messages per second a connection may send, and the burst. */
  rate: { perSecond: number; burst: number };
  /** A connection not authenticated this long after accept is kicked with GATE_ERR_AUTH_TIMEOUT. */
  authTimeoutMs: number;
  /** Requests of one connection waiting for replies, at most. */
  maxPending: number;
  /** Bytes the transport may hold unsent before the client counts as a slow reader. */
  maxBufferedBytes: number;
  /** Flush this agent's queued messages at the end of the turn. */
  scheduleFlush(agent: Agent): void;
  /** Re-arm this agent's timer, at the sooner of its protocol's deadline and {@link Agent.authDue}. */
  scheduleTimer(agent: Agent): void;
  /** `sys.auth`: resolves with the response body. */
  authenticate(agent: Agent, payload: Uint8Array): Promise<Uint8Array>;
  /** Forwards a request (`reply` true) or notify to the session's lobby; resolves with the reply bytes. */
  forward(agent: Agent, route: string, args: Uint8Array, reply: boolean): Promise<Uint8Array | undefined>;
  /** The connection closed. */
  closed(agent: Agent, reason: CloseReason): void;
  /** The gate's metrics, when they are on. */
  metrics?: GateMetrics | undefined;
}

/** One client connection. */
export class Agent {
  readonly protocol: GateProtocol;
  /** The session once authenticated. */
  session: Session | undefined;
  /** Set while a `sys.auth` is being answered. */
  authenticating = false;
  /** The gate's timer for this connection's protocol (heartbeats, timeouts). */
  timer: TimerId | undefined;
  private readonly limiter: RateLimiter;
  private pending = 0;
  private readonly authDeadline: number;
  // This connection's transport's counters, when metrics are on.
  private readonly io: TransportCounters | undefined;
  private handshook = false;
  // Set once a sys.auth succeeded: the deadline is met for good, whatever becomes of the session.
  private hasAuthenticated = false;

  /**
   * @param ticket the connection's place in the gate's counts; the handshake and authentication
   *   deadlines count from its accept time, and authenticating takes it off the pending count.
   */
  constructor(
    private readonly context: AgentContext,
    readonly transport: ClientTransport,
    private readonly ticket: AdmissionTicket,
    private readonly toErrorBody: ErrorMapper,
  ) {
    this.limiter = new RateLimiter(context.rate.perSecond, context.rate.burst, context.now());
    this.authDeadline = ticket.acceptedAt + context.authTimeoutMs;
    this.io = context.metrics?.transport(transport.kind);
    context.metrics?.opened(transport.kind);
    this.protocol = new GateProtocol(context.protocol, ticket.acceptedAt, (bytes) => this.write(bytes), {
      onOpen: (hello) => {
        context.logger.debug('gate: connection open', { remote: transport.remote, transport: transport.kind, sdk: hello.sdk });
        this.handshook = true;
        context.metrics?.handshook(transport.kind);
        // Heartbeat deadlines replace the handshake deadline, and may come sooner.
        context.scheduleTimer(this);
      },
      onMessage: (message) => this.receive(message),
      onClose: (reason) => {
        context.metrics?.closed(transport.kind, this.handshook, reason);
        transport.close();
        context.closed(this, reason);
      },
    });
  }

  /** Bytes from the transport. */
  input(bytes: Uint8Array): void {
    if (this.io) this.io.bytesReceived.value += bytes.length;
    try {
      this.protocol.input(bytes, this.context.now());
    } catch (err) {
      // A fault of ours, not the peer's (protocol errors never throw): close this connection only.
      this.context.logger.error('gate: internal error on a connection', { remote: this.transport.remote, err });
      this.kick(new GateError('GATE_ERR_INTERNAL', (err as Error).message ?? String(err)));
    }
    this.context.scheduleFlush(this);
  }

  /**
   * When this connection must have authenticated by (clock time), or Infinity once it has or
   * while a `sys.auth` is being answered (which ends in a session or a kick).
   */
  get authDue(): number {
    return this.hasAuthenticated || this.authenticating ? Infinity : this.authDeadline;
  }

  /**
   * Runs the protocol's timers (handshake deadline, heartbeats, silence), then the authentication
   * deadline: a connection without a session by then is kicked with GATE_ERR_AUTH_TIMEOUT.
   */
  update(now: number): void {
    this.protocol.update(now);
    if (!this.protocol.isClosed && now >= this.authDue) this.kick(new GateError('GATE_ERR_AUTH_TIMEOUT', `not authenticated ${this.context.authTimeoutMs} ms after accept`));
  }

  /** Sends a push. */
  push(route: string, body: Uint8Array): void {
    if (!this.protocol.isOpen) return;
    this.send({ kind: MESSAGE_KIND.PUSH, route, payload: body });
  }

  /** Sends a push shared with other connections: its message is encoded once for all of them (shared-push.ts). */
  pushShared(push: SharedPush): void {
    if (!this.protocol.isOpen) return;
    if (this.io) this.io.messagesSent.value++;
    this.protocol.sendEncoded(push.bytesFor(this.protocol.encoding!));
    this.context.scheduleFlush(this);
  }

  /** Closes the connection with a KICK for `error`: the client reads its short message, the log its detail. */
  kick(error: GateError): void {
    this.protocol.kick(error.wireCode, error.code, error.clientMessage, error.detail);
  }

  /** Requests waiting for their replies. */
  get pendingRequests(): number {
    return this.pending;
  }

  private receive(message: Message): void {
    const { context } = this;
    if (this.io) this.io.messagesReceived.value++;
    if (!this.limiter.take(context.now())) {
      this.kick(new GateError('GATE_ERR_RATE_LIMIT', `more than ${context.rate.perSecond} messages/s`));
      return;
    }
    if (message.kind !== MESSAGE_KIND.REQUEST && message.kind !== MESSAGE_KIND.NOTIFY) return;
    const reply = message.kind === MESSAGE_KIND.REQUEST;
    const id = reply ? message.id : 0;
    const refuse = (code: GateErrorCode, detail: string): void => {
      if (!reply) return;
      context.metrics?.answered(message.route, false, 0);
      this.fail(id, new GateError(code, detail), message.route);
    };
    if (message.route === SYSTEM_ROUTE.AUTH) {
      if (!reply) return;
      const authenticated = context.authenticate(this, message.payload).then((reply) => {
        this.hasAuthenticated = true;
        this.ticket.authenticated();
        return reply;
      });
      this.track(id, authenticated, message.route);
      // Its outcome moves the authentication deadline (none once authenticated).
      authenticated.then(
        () => context.scheduleTimer(this),
        () => this.protocol.isClosed || context.scheduleTimer(this),
      );
      return;
    }
    if (message.route === SYSTEM_ROUTE.ROUTES) {
      if (!reply) return;
      if (!this.session) return refuse('GATE_ERR_NOT_AUTHENTICATED', message.route);
      this.track(id, this.listRoutes(message.payload), message.route);
      return;
    }
    const action = context.rules.actionFor(message.route);
    if (action === 'block') return refuse('GATE_ERR_ROUTE_BLOCKED', message.route);
    if (action === 'auth' && !this.session) return refuse('GATE_ERR_NOT_AUTHENTICATED', message.route);
    if (this.pending >= context.maxPending) return refuse('GATE_ERR_TOO_MANY_PENDING', `${this.pending} waiting`);
    const forwarded = context.forward(this, message.route, message.payload, reply);
    if (reply) this.track(id, forwarded as Promise<Uint8Array>, message.route);
    else
      // A notify has no reply: mapping the error only logs it.
      forwarded.catch((err: unknown) => this.toErrorBody(err, this.logMeta(message.route)));
  }

  // The lobby knows the game's routes; only the gate knows which of them its rules block.
  private async listRoutes(args: Uint8Array): Promise<Uint8Array> {
    const listed = decode(await this.context.forward(this, SYSTEM_ROUTE.ROUTES, args, true) as Uint8Array);
    const routes = Array.isArray(listed) ? listed.filter((route): route is string => typeof route === 'string') : [];
    return encode(routes.filter((route) => this.context.rules.actionFor(route) !== 'block'));
  }

  private track(id: number, result: Promise<Uint8Array>, route: string): void {
    this.pending++;
    const metrics = this.context.metrics;
    const started = metrics ? this.context.now() : 0;
    result.then(
      (payload) => {
        this.pending--;
        metrics?.answered(route, true, (this.context.now() - started) / 1000);
        if (this.protocol.isOpen) this.respond(id, payload, route);
      },
      (err: unknown) => {
        this.pending--;
        metrics?.answered(route, false, (this.context.now() - started) / 1000);
        this.fail(id, err, route);
      },
    );
  }

  private respond(id: number, payload: Uint8Array, route: string): void {
    try {
      this.send({ kind: MESSAGE_KIND.RESPONSE, id, payload });
    } catch {
      this.fail(id, new GateError('GATE_ERR_RESPONSE_TOO_LARGE', `${payload.length} bytes`), route);
    }
  }

  private fail(id: number, err: unknown, route: string): void {
    if (!this.protocol.isOpen) return;
    try {
      this.send({ kind: MESSAGE_KIND.ERROR, id, payload: encode(this.toErrorBody(err, this.logMeta(route))) });
    } catch (sendErr) {
      this.context.logger.error('gate: could not send an error reply', { err: sendErr });
    }
  }

  private logMeta(route: string): Record<string, unknown> {
    return { remote: this.transport.remote, uid: this.session?.uid, route: route.slice(0, 128) };
  }

  private send(message: Message): void {
    if (this.io) this.io.messagesSent.value++;
    this.protocol.send(message);
    this.context.scheduleFlush(this);
  }

  private write(bytes: Uint8Array): void {
    if (this.io) this.io.bytesSent.value += bytes.length;
    this.transport.write(bytes);
    if (this.transport.bufferedBytes > this.context.maxBufferedBytes && this.protocol.isOpen) {
      this.kick(new GateError('GATE_ERR_SLOW_CONSUMER', `${this.transport.bufferedBytes} bytes unsent`));
    }
  }
}
