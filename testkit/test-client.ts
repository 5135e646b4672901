/**
 * A simulated player of a test server: logged in through the login service, connected to the
 * gate with the Node SDK and authenticated. Requests go through the real gate and lobby; pushes
 * are kept until a test takes them with {@link TestClient.nextPush}.
 */
import type { ClientTransportKind } from '../client-sim/client-transport.js';
import type { GateClient } from '../client-sim/gate-client.js';
import type { WorldMirror } from '../client-sim/world-mirror.js';
import type { Clock } from '../engine/timer/clock.js';
import { PushBuffer, type Push } from './push-buffer.js';

/** Options of {@link TestClient.nextPush}. */
export interface NextPushOptions {
  /** Fail with TESTKIT_ERR_PUSH_TIMEOUT when no push comes within this long, in real time (default 5,000 ms). */
  timeoutMs?: number;
}

/** Who a {@link TestClient} is and how it is connected. */
export interface TestClientInfo {
  username: string;
  uid: string;
  transport: ClientTransportKind;
}

/** One simulated client connected to a test server. */
export class TestClient {
  readonly username: string;
  /** The account's id, as the server knows the player. */
  readonly uid: string;
  readonly transport: ClientTransportKind;
  private readonly pushes: PushBuffer;
  private readonly stopListening: Array<() => void>;

  /**
   * @param gate the SDK connection, authenticated.
   * @param clock real time, for the deadlines of waits.
   * @param maxKeptPushes pushes kept until taken; the oldest go first.
   * @param onClosed told once when this client closes (the server forgets it).
   */
  constructor(
    readonly gate: GateClient,
    info: TestClientInfo,
    clock: Clock,
    maxKeptPushes: number,
    private readonly onClosed: (client: TestClient) => void,
  ) {
    this.username = info.username;
    this.uid = info.uid;
    this.transport = info.transport;
    this.pushes = new PushBuffer(clock, maxKeptPushes);
    this.stopListening = [
      gate.on('*', (body, route) => this.pushes.add(route, body)),
      gate.onClose((_reason, err) => this.closed(err.message)),
    ];
  }

  /** Whether the connection to the gate is open. */
  get isOpen(): boolean {
    return this.gate.isOpen;
  }

  /**
   * What this player sees of its space (the SDK's `client.world`): entities in view with their
   * synced fields, `space`, and `waitFor(predicate, timeoutMs)` to wait for a state.
   */
  get world(): WorldMirror {
    return this.gate.world;
  }

  /** The session id the gate gave this connection. */
  get sessionId(): string {
    return this.gate.session!.sessionId;
  }

  /**
   * Calls `route` (`Component.method` or `service.method`) with `args` through the gate.
   * @throws RequestError with the server's code in `serverCode` (a game's `GameError` code, or
   *   `LOBBY_ERR_*`, `GATE_ERR_*`); and as the SDK's `GateClient.request`.
   */
  request<T = unknown>(route: string, ...args: unknown[]): Promise<T> {
    return this.gate.request<T>(route, ...args);
  }

  /** Sends `route` with `args`, expecting no reply; throws as the SDK's `GateClient.notify`. */
  notify(route: string, ...args: unknown[]): void {
    this.gate.notify(route, ...args);
  }

  /**
   * The body of the oldest push on `route` not taken yet, or of the next one to arrive. Pushes
   * that came before this call are kept (up to the kit's bound), so it does not matter whether a
   * test starts waiting before or after the action that pushes.
   * @throws TestKitError TESTKIT_ERR_PUSH_TIMEOUT when none comes within `timeoutMs`;
   *   TESTKIT_ERR_CLIENT_CLOSED when the client closed and none is kept.
   */
  nextPush<T = unknown>(route: string, options: NextPushOptions = {}): Promise<T> {
    return this.pushes.next(route, options.timeoutMs ?? 5_000) as Promise<T>;
  }

  /** Pushes received and not taken yet, oldest first, on `route` or on every route. */
  kept(route?: string): Push[] {
    return this.pushes.kept(route);
  }

  /** Ends the session (the lobby saves the avatar) and closes the connection. Safe to call twice. */
  close(): void {
    // Told first: the waits fail with this reason, not with the SDK's report of the same close.
    this.closed('the client was closed by the test or by the server\'s stop()');
    if (this.gate.isOpen) this.gate.close();
  }

  private closed(reason: string): void {
    this.pushes.close(reason);
    for (const stop of this.stopListening.splice(0)) stop();
    this.onClosed(this);
  }
}
