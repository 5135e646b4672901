/**
 * The client SDK: one connection to a gate. Runs the handshake (the gate must hold the identity
 * key the login service named), authenticates with the login token, sends requests and notifies,
 * delivers pushes, and reconnects resuming the same session: on the gate it was on, or when that
 * gate cannot be reached, on another gate of the cluster (`alternatives`, from the login reply's
 * `gates`), which takes the session over with its resume token. Arguments and results are msgpack;
 * game routes are `Component.method`. What the player sees of its space is mirrored in
 * `client.world` (world-mirror.ts), fed by the `sys.space` and `sys.sync` pushes.
 *
 * This file runs in Node and in browsers: the transport, the crypto suite and the compressions
 * are passed in. `connectGate` (node-client.ts) fills them for Node (TCP, WebSocket, KCP);
 * `connectBrowser` (browser-client.ts) for browsers (WebSocket).
 *
 * ```ts
 * const { token, gate } = await login(url, 'ada', 'secret-password');
 * const client = await connectGate({ endpoint: gate.tcp!, transport: 'tcp', gateKey: gate.publicKey });
 * await client.auth(token);
 * client.on('inventory.changed', (body) => console.log(body));
 * const result = await client.request('Inventory.buy', 'sword', 10);
 * ```
 */
import { CodecError } from '../engine/codec/errors.js';
import { MsgpackCodec } from '../engine/codec/msgpack-codec.js';
import { decodeAuthReply, encodeAuthRequest, type AuthReply } from '../engine/protocol/auth-request.js';
import type { Compression } from '../engine/protocol/compression.js';
import { MESSAGE_KIND, SYSTEM_ROUTE } from '../engine/protocol/constants.js';
import type { CryptoSuite } from '../engine/protocol/crypto-suite.js';
import type { ServerHello } from '../engine/protocol/hello.js';
import { TRANSPORT_CLOSED, type CloseReason } from '../engine/protocol/kick.js';
import type { Message } from '../engine/protocol/message.js';
import { SyncDecoder } from '../engine/sync/sync-decoder.js';
import { SystemClock, type Clock } from '../engine/timer/clock.js';
import { checkRoute, checkToken, decodeGateKey } from './client-inputs.js';
import type { ClientTransportFactory, ClientTransportKind } from './client-transport.js';
import { ConnectionClosed } from './connection-closed.js';
import { ClientError } from './errors.js';
import { GateConnection } from './gate-connection.js';
import { HeldMessages, endpointFor, readMoveOrder, type GateMove, type HeldMessage, type MoveOrder } from './gate-move.js';
import { PendingRequests } from './pending-requests.js';
import { RequestError } from './request-error.js';
import { WorldMirror, type SyncMessageDecoder } from './world-mirror.js';

export { ConnectionClosed, RequestError, type GateMove };

/** Settings of a {@link GateClient}. */
export interface GateClientOptions {
  /** `host:port` for TCP and KCP, a `ws://` URL for WebSocket. */
  endpoint: string;
  transport: ClientTransportFactory;
  /** The gate's identity key (base64 or the 32 bytes), from the login reply. */
  gateKey: string | Uint8Array;
  /**
   * Other gates of the cluster, tried in order by {@link GateClient.reconnect} when the current
   * one cannot be reached: each one's endpoint for this client's transport and its identity key
   * (the login reply's `gates`). Default: none.
   */
  alternatives?: readonly GateTarget[];
  /** The primitives: node-crypto-suite.ts in Node, noble-crypto-suite.ts in browsers. */
  crypto: CryptoSuite;
  /** Compressions this client decodes. */
  compressions: Compression[];
  /** A request without a reply after this long fails (default 10,000 ms). */
  requestTimeoutMs?: number;
  /** Requests waiting for replies at most (default 10,000). */
  maxPending?: number;
  /** The handshake must finish within this long (default 10,000 ms). */
  handshakeTimeoutMs?: number;
  /** Time and timers (default: a {@link SystemClock}, which runs in Node and in browsers). */
  clock?: Clock;
  /** Decodes the `sys.sync` pushes that feed {@link GateClient.world} (default: a new engine/sync SyncDecoder). */
  syncDecoder?: SyncMessageDecoder;
  /**
   * The kind of `transport`: where a draining gate's `sys.move` names several endpoints, the one
   * of this kind is used. Unknown (undefined), a move goes through {@link GateClient.reconnect}.
   * `connectGate` and `connectBrowser` fill it.
   */
  transportKind?: ClientTransportKind;
}

/** A gate to connect to: its endpoint for the client's transport and its identity key. */
export interface GateTarget {
  endpoint: string;
  gateKey: string | Uint8Array;
}

// A target with its key checked.
interface CheckedTarget {
  endpoint: string;
  key: Uint8Array;
}

/** The server codes of a refused resume token: the client gets a new session instead. */
const RESUME_REFUSALS = new Set(['GATE_ERR_RESUME_FORGED', 'GATE_ERR_RESUME_EXPIRED', 'GATE_ERR_RESUME_OTHER_ACCOUNT', 'GATE_ERR_RESUME_REPLAYED']);

const codec = new MsgpackCodec();

// The close reason of a connection that reconnect() left while it was open.
const REPLACED: CloseReason = { code: 0, name: 'REPLACED', message: 'reconnect() replaced the connection', byPeer: false };

/** One client connection to a gate. */
export class GateClient {
  /** The server hello of the current connection. */
  hello!: ServerHello;
  /** The session after {@link auth}. */
  session: AuthReply | undefined;
  /**
   * What the player sees of its space: the entities in view with their synced fields, and the
   * space itself. Kept up to date from the `sys.sync` pushes (which reach no `on` handler) and
   * the `sys.space` pushes (which do, after the mirror took them).
   */
  readonly world: WorldMirror;
  // The current connection (during a move, the one to the gate moved to).
  private connection!: GateConnection;
  private readonly pending: PendingRequests;
  private readonly handlers = new Map<string, Set<(body: unknown, route: string) => void>>();
  private readonly closeHandlers = new Set<(reason: CloseReason, error: ConnectionClosed) => void>();
  // How the last connection closed, the cause of a later CLIENT_ERR_NOT_OPEN.
  private lastClose: ConnectionClosed | undefined;
  private readonly clock: Clock;
  // The gate connected to (or last tried), then the others in the order reconnect() tries them.
  private readonly targets: CheckedTarget[];
  private target: CheckedTarget;
  private token: string | undefined;
  private readonly moveHandlers = new Set<(move: GateMove) => void>();
  // While set, the client moves to another gate: requests are held in `held`.
  private moving: Promise<void> | undefined;
  private held = new HeldMessages();
  // A `sys.move` that came before the session did.
  private deferredOrder: MoveOrder | undefined;
  // Set by close() during a move: the move stops instead of going on.
  private leaving = false;

  private constructor(private readonly options: GateClientOptions) {
    this.clock = options.clock ?? new SystemClock();
    this.pending = new PendingRequests(this.clock);
    this.target = { endpoint: options.endpoint, key: decodeGateKey(options.gateKey) };
    this.targets = [this.target];
    for (const other of options.alternatives ?? []) {
      if (this.targets.some((t) => t.endpoint === other.endpoint)) continue;
      this.targets.push({ endpoint: other.endpoint, key: decodeGateKey(other.gateKey) });
    }
    this.world = new WorldMirror({ clock: this.clock, decoder: options.syncDecoder ?? new SyncDecoder() });
  }

  /**
   * Connects and completes the handshake.
   * @throws ClientError CLIENT_ERR_INVALID_GATE_KEY for a gate key that is not 32 bytes (before connecting);
   *   CLIENT_ERR_INVALID_ENDPOINT or CLIENT_ERR_CONNECT_FAILED from the transport; ConnectionClosed
   *   CLIENT_ERR_HANDSHAKE_FAILED when the gate refuses (a wrong key, no version in common; the gate's
   *   code in `serverCode`) or CLIENT_ERR_HANDSHAKE_TIMEOUT.
   */
  static async connect(options: GateClientOptions): Promise<GateClient> {
    const client = new GateClient(options);
    await client.open(client.target);
    return client;
  }

  /** Whether the connection is open. */
  get isOpen(): boolean {
    return this.connection.isOpen;
  }

  /** The endpoint of the gate this client is connected to (or last tried). */
  get endpoint(): string {
    return this.target.endpoint;
  }

  /**
   * Authenticates with a login token; resumes the previous session of this client when there is
   * one. When the gate refuses to resume it (its resume token expired, or was superseded:
   * GATE_ERR_RESUME_*), a new session is made with the same login token (`resumed: false`).
   * @throws ClientError CLIENT_ERR_INVALID_TOKEN for a token that is not a non-empty visible ASCII string
   *   (nothing is sent); RequestError or ConnectionClosed CLIENT_ERR_KICKED when refused (the gate
   *   closes on a bad token, GATE_ERR_AUTH_FAILED); CLIENT_ERR_BAD_REPLY for a reply without a session;
   *   and as {@link request}.
   */
  async auth(token: string): Promise<AuthReply> {
    this.token = checkToken(token);
    const resume = this.session ? { sessionId: this.session.sessionId, resumeToken: this.session.resumeToken } : undefined;
    let payload: Uint8Array;
    try {
      payload = await this.call(SYSTEM_ROUTE.AUTH, encodeAuthRequest({ token, resume }));
    } catch (err) {
      if (!(resume && err instanceof RequestError && RESUME_REFUSALS.has(err.serverCode))) throw err;
      this.session = undefined;
      return this.auth(token);
    }
    const reply = decodeAuthReply(payload);
    if (!reply) throw new ClientError('CLIENT_ERR_BAD_REPLY', `${SYSTEM_ROUTE.AUTH}: the reply is not a session (uid, sessionId, resumeToken, resumed, gateId); is the gate of another version?`);
    this.session = reply;
    if (this.deferredOrder && !this.moving) this.startMove(this.deferredOrder);
    return reply;
  }

  /**
   * Opens a new connection and resumes the session (same lobby, same avatar) if the cluster still
   * holds it; otherwise a new session is made with the same token. It connects to the gate it was
   * on, else to each of `alternatives` in turn (the first whose connection and handshake succeed),
   * which takes the session over (`resumed: true`, the same `sessionId`). When the current
   * connection is still open, its pending requests fail at once with ConnectionClosed
   * CLIENT_ERR_REPLACED (the gate answers a request only on the connection that carried it) and
   * it is closed without calling the `onClose` handlers: this client chose to leave it.
   * @throws ClientError CLIENT_ERR_NO_SESSION before a successful {@link auth}; what connecting to
   *   the last gate tried threw when none could be reached (as {@link connect}); and as {@link auth}.
   */
  async reconnect(): Promise<AuthReply> {
    if (!this.token) throw new ClientError('CLIENT_ERR_NO_SESSION', 'reconnect() was called before auth(token)');
    // A move keeps the draining gate's connection until the session is resumed elsewhere, and closes it itself.
    if (!this.connection.isClosed && !this.moving) {
      this.pending.failAll(new ConnectionClosed('CLIENT_ERR_REPLACED', REPLACED, 'the gate answers a request only on the connection that carried it'));
      this.connection.leave();
    }
    const order = [this.target, ...this.targets.filter((t) => t !== this.target)];
    for (let i = 0; ; i++) {
      try {
        await this.open(order[i]!);
        break;
      } catch (err) {
        // A refusal by a live gate (a wrong key, no version in common) is no reason to stop either.
        if (i === order.length - 1) throw err;
      }
    }
    return this.auth(this.token);
  }

  /**
   * Calls `route` with `args` and resolves with the decoded result.
   * @throws RequestError (CLIENT_ERR_REQUEST_REFUSED) when the gate or the lobby answers with an
   *   error: its code in `serverCode` and `wireCode`. ClientError CLIENT_ERR_INVALID_ROUTE,
   *   CLIENT_ERR_INVALID_ARGUMENTS or CLIENT_ERR_MESSAGE_TOO_LARGE (nothing is sent);
   *   CLIENT_ERR_TOO_MANY_PENDING; CLIENT_ERR_REQUEST_TIMEOUT; CLIENT_ERR_BAD_REPLY; ConnectionClosed
   *   CLIENT_ERR_NOT_OPEN, or how the connection closed before the reply came.
   */
  async request<T = unknown>(route: string, ...args: unknown[]): Promise<T> {
    const payload = await this.call(checkRoute(route), encodeArguments(route, args));
    try {
      return codec.decode(payload) as T;
    } catch (err) {
      throw new ClientError('CLIENT_ERR_BAD_REPLY', `${route}: the result is not msgpack (${(err as Error).message})`, { cause: err });
    }
  }

  /**
   * Sends `route` with `args`, expecting no reply; during a move to another gate, once it is done.
   * @throws ClientError CLIENT_ERR_INVALID_ROUTE, CLIENT_ERR_INVALID_ARGUMENTS or
   *   CLIENT_ERR_MESSAGE_TOO_LARGE; CLIENT_ERR_TOO_MANY_PENDING when `maxPending` messages wait
   *   for a move; ConnectionClosed CLIENT_ERR_NOT_OPEN. Nothing is sent then.
   */
  notify(route: string, ...args: unknown[]): void {
    const payload = encodeArguments(route, args);
    if (this.moving) {
      // Held with the requests, and bounded by the same cap.
      const maxPending = this.options.maxPending ?? 10_000;
      const waiting = this.pending.size + this.held.size;
      if (waiting >= maxPending) throw new ClientError('CLIENT_ERR_TOO_MANY_PENDING', `${route}: ${waiting} messages wait for replies or for a move to another gate (maxPending ${maxPending})`);
      this.held.hold({ route: checkRoute(route), payload });
      return;
    }
    this.send({ kind: MESSAGE_KIND.NOTIFY, route: checkRoute(route), payload });
  }

  /**
   * Calls `handler` after each move to another gate that the gate asked for (`sys.move`: it is
   * draining). The SDK moves by itself: requests sent meanwhile are held and sent once the
   * session is resumed there, those in flight are answered on the old connection (or sent again
   * if it closed first), and the `onClose` handlers hear nothing of it, unless no gate could be
   * reached (`move.error` is set then, and they hear that close).
   */
  onMove(handler: (move: GateMove) => void): () => void {
    this.moveHandlers.add(handler);
    return () => this.moveHandlers.delete(handler);
  }

  /** Calls `handler` with each push on `route` (`*` for every route: `handler(body, route)`). */
  on(route: string, handler: (body: unknown, route: string) => void): () => void {
    let set = this.handlers.get(route);
    if (!set) this.handlers.set(route, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  /**
   * Calls `handler` when the connection closes, with the protocol's reason and the same
   * {@link ConnectionClosed} that pending requests fail with: CLIENT_ERR_KICKED with the gate's
   * code in `serverCode` (e.g. `GATE_ERR_DUPLICATE_LOGIN`), CLIENT_ERR_CONNECTION_LOST,
   * CLIENT_ERR_PROTOCOL or CLIENT_ERR_CLOSED.
   */
  onClose(handler: (reason: CloseReason, error: ConnectionClosed) => void): () => void {
    this.closeHandlers.add(handler);
    return () => this.closeHandlers.delete(handler);
  }

  /** Ends the session (the gate saves the avatar) and closes the connection. */
  close(): void {
    // A move under way stops at its next step; what it held fails with CLIENT_ERR_CLOSED.
    if (this.moving) this.leaving = true;
    this.connection.close('client closed');
  }

  private async open(target: CheckedTarget): Promise<void> {
    const { options } = this;
    this.target = target;
    const connection: GateConnection = new GateConnection({
      endpoint: target.endpoint,
      gateKey: target.key,
      transport: options.transport,
      crypto: options.crypto,
      compressions: options.compressions,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
      clock: this.clock,
      onMessage: (message) => this.receive(message),
      onClose: (reason, error) => {
        if (this.connection === connection) this.closed(reason, error);
      },
    });
    this.connection = connection;
    await connection.open();
    // A reconnect during a move may have replaced it meanwhile.
    if (this.connection === connection) this.hello = connection.hello;
  }

  private call(route: string, payload: Uint8Array): Promise<Uint8Array> {
    const maxPending = this.options.maxPending ?? 10_000;
    // A move's own resume is never held back by what the move holds.
    const waiting = this.pending.size + (route === SYSTEM_ROUTE.AUTH ? 0 : this.held.size);
    if (waiting >= maxPending) return Promise.reject(new ClientError('CLIENT_ERR_TOO_MANY_PENDING', `${route}: ${waiting} requests wait for replies (maxPending ${maxPending})`));
    // The session's own resume goes out during a move; everything else waits for it.
    if (this.moving && route !== SYSTEM_ROUTE.AUTH) return new Promise((resolve, reject) => this.held.hold({ route, payload, settle: { resolve, reject } }));
    return this.pending.add(route, payload, this.options.requestTimeoutMs ?? 10_000, (id) => this.send({ kind: MESSAGE_KIND.REQUEST, id, route, payload }));
  }

  private send(message: Message & { route: string }): void {
    if (!this.connection.isOpen) {
      const why = this.lastClose ? `it closed: ${this.lastClose.message}` : 'its handshake has not completed';
      throw new ConnectionClosed('CLIENT_ERR_NOT_OPEN', { code: 0, name: 'NOT_OPEN', message: 'connection is not open', byPeer: false }, `${message.route}: ${why}`, { cause: this.lastClose });
    }
    this.connection.send(message);
  }

  private receive(message: Message): void {
    if (message.kind === MESSAGE_KIND.PUSH) {
      // The body is the sync message's own bytes, not msgpack (docs/sync.md).
      if (message.route === SYSTEM_ROUTE.SYNC) {
        this.world.receive(message.payload);
        return;
      }
      let body: unknown;
      try {
        body = message.payload.length === 0 ? undefined : codec.decode(message.payload);
      } catch (err) {
        console.error(`client: push on ${message.route} has a malformed body`, err);
        return;
      }
      if (message.route === SYSTEM_ROUTE.MOVE) {
        this.moveOrdered(body);
        return;
      }
      if (message.route === SYSTEM_ROUTE.SPACE) this.world.applySpace(body);
      // A handler that throws must not break the connection's stream for the others.
      const call = (handler: (body: unknown, route: string) => void): void => {
        try {
          handler(body, message.route);
        } catch (err) {
          console.error(`client: push handler for ${message.route} threw`, err);
        }
      };
      for (const handler of this.handlers.get(message.route) ?? []) call(handler);
      for (const handler of this.handlers.get('*') ?? []) call(handler);
      return;
    }
    this.pending.settle(message);
  }

  private closed(reason: CloseReason, error: ConnectionClosed): void {
    this.lastClose = error;
    if (this.moving && !this.leaving) {
      // Part of the move: what was in flight goes again on the next connection, unheard by onClose.
      this.replayPending(error);
      return;
    }
    this.pending.failAll(error);
    for (const handler of this.closeHandlers) handler(reason, error);
  }

  // The requests in flight on a connection that closed during a move, held to be sent again; a
  // `sys.auth` of the move's own is not: the move tries elsewhere.
  private replayPending(error: ConnectionClosed): void {
    const replays: HeldMessage[] = [];
    for (const pending of this.pending.takeAll()) {
      if (pending.route === SYSTEM_ROUTE.AUTH) pending.reject(error);
      else replays.push({ route: pending.route, payload: pending.payload, settle: pending });
    }
    if (replays.length > 0) this.held.replay(replays);
  }

  // A `sys.move` push: the gate drains. One move at a time; an order during a move is ignored.
  private moveOrdered(body: unknown): void {
    const order = readMoveOrder(body);
    if (!order) {
      console.error(`client: ${SYSTEM_ROUTE.MOVE} push with a malformed body`);
      return;
    }
    if (this.moving) return;
    // Told while its own sys.auth was answered: it moves once it has the session.
    if (!this.session) {
      this.deferredOrder = order;
      return;
    }
    this.startMove(order);
  }

  private startMove(order: MoveOrder): void {
    this.deferredOrder = undefined;
    this.moving = this.move(order).catch((err: unknown) => {
      this.moving = undefined;
      console.error('client: a move to another gate failed', err);
    });
  }

  /**
   * Moves to the gate `order` names: waits for the replies in flight, connects there with the
   * order's resume token, else goes through {@link reconnect}; then sends what it held.
   */
  private async move(order: MoveOrder): Promise<void> {
    const started = this.clock.now();
    const from = this.target.endpoint;
    this.held = new HeldMessages();
    // Once no request waits for its reply on the current connection (or it closed).
    await this.pending.whenIdle(this.connection.isClosed);
    const old = this.connection;
    if (this.leaving) return this.abandonMove(old);
    this.session = { ...this.session!, resumeToken: order.resumeToken };
    const endpoint = endpointFor(order.gate, this.options.transportKind);
    let reply: AuthReply | undefined;
    if (endpoint !== undefined) {
      try {
        await this.open(this.targetOf(endpoint, order.gate.publicKey));
        reply = await this.auth(this.token!);
      } catch {
        // The named gate could not take the session: the other gates are tried below.
      }
    }
    if (this.leaving) return this.abandonMove(old);
    let error: ConnectionClosed | undefined;
    if (!reply) {
      // A connection to the named gate that did not take the session is left; the draining gate's stays until the end.
      if (this.connection !== old && !this.connection.isClosed) this.connection.leave();
      try {
        reply = await this.reconnect();
      } catch (err) {
        error = lostInMove(err);
      }
    }
    if (this.leaving) return this.abandonMove(old);
    // Left only now: the draining gate keeps a session with a connection until the deadline, so
    // that the gate that takes it over finds it. Leaving is no logout (that would end the session).
    if (!old.isClosed) old.leave();
    const held = this.held;
    this.moving = undefined;
    const move: GateMove = { from, to: this.target.endpoint, gateId: order.gate.id, resumed: reply?.resumed ?? false, held: held.held, replayed: held.replayed, ms: this.clock.now() - started };
    if (error) move.error = error;
    for (const handler of this.moveHandlers) {
      try {
        handler(move);
      } catch (err) {
        console.error('client: move handler threw', err);
      }
    }
    if (error) this.moveFailed(held, error);
    else this.release(held);
  }

  // close() was called during the move: whatever connection it opened is closed too (a logout:
  // the application ends the session), the old one is left, and what was held fails.
  private abandonMove(old: GateConnection): void {
    if (!this.connection.isClosed) this.connection.close('client closed');
    if (!old.isClosed) old.leave();
    this.moving = undefined;
    this.leaving = false;
    const error = new ConnectionClosed('CLIENT_ERR_CLOSED', { code: 0, name: 'CLOSED', message: 'client closed', byPeer: false }, 'close() was called while the client moved to another gate');
    for (const message of this.held.take()) message.settle?.reject(error);
  }

  // Sends what a move held, in order, on the new connection.
  private release(held: HeldMessages): void {
    for (const message of held.take()) {
      if (!message.settle) {
        try {
          this.send({ kind: MESSAGE_KIND.NOTIFY, route: message.route, payload: message.payload });
        } catch (err) {
          console.error(`client: a notify held during a move could not be sent`, err);
        }
        continue;
      }
      const { resolve, reject } = message.settle;
      this.call(message.route, message.payload).then(resolve, reject);
    }
  }

  // No gate took the session: what was held fails, and the close is heard as any other.
  private moveFailed(held: HeldMessages, error: ConnectionClosed): void {
    // A connection a try opened without a session on it goes too.
    if (!this.connection.isClosed) this.connection.leave();
    for (const message of held.take()) message.settle?.reject(error);
    this.lastClose = error;
    for (const handler of this.closeHandlers) handler(error.reason, error);
  }

  // The target for `endpoint`: the known one, or a new one tried first by later reconnects.
  private targetOf(endpoint: string, gateKey: string): CheckedTarget {
    const known = this.targets.find((t) => t.endpoint === endpoint);
    if (known) return known;
    const target = { endpoint, key: decodeGateKey(gateKey) };
    this.targets.push(target);
    return target;
  }
}

/** How a move that no gate took ends: the error of the last close, or CLIENT_ERR_CONNECTION_LOST with `err` as cause. */
function lostInMove(err: unknown): ConnectionClosed {
  if (err instanceof ConnectionClosed) return err;
  const message = `no gate took the session after its gate asked it to move: ${err instanceof Error ? err.message : String(err)}`;
  return new ConnectionClosed('CLIENT_ERR_CONNECTION_LOST', { code: 0, name: TRANSPORT_CLOSED, message, byPeer: true }, message, { cause: err });
}

/**
 * The msgpack of a request's or notify's arguments.
 * @throws ClientError CLIENT_ERR_MESSAGE_TOO_LARGE past the codec's frame limit,
 *   CLIENT_ERR_INVALID_ARGUMENTS for values msgpack cannot carry or over its limits.
 */
function encodeArguments(route: string, args: unknown[]): Uint8Array {
  try {
    return codec.encode(args);
  } catch (err) {
    if (!(err instanceof CodecError)) throw err;
    const code = err.code === 'CODEC_ERR_FRAME_TOO_LARGE' ? 'CLIENT_ERR_MESSAGE_TOO_LARGE' : 'CLIENT_ERR_INVALID_ARGUMENTS';
    throw new ClientError(code, `${route}: ${err.message}`, { cause: err });
  }
}
