/**
 * One connection of a {@link GateClient} to one gate: the transport's pipe, the protocol's
 * handshake and framing over it, and the protocol's timers on the client's clock. What goes over
 * it (requests, the session, moves between gates) is the client's; a client holds one connection
 * at a time, two during a move to another gate.
 */
import { ClientProtocol } from '../engine/protocol/client-protocol.js';
import type { Compression } from '../engine/protocol/compression.js';
import type { CryptoSuite } from '../engine/protocol/crypto-suite.js';
import { ProtocolError } from '../engine/protocol/errors.js';
import type { ServerHello } from '../engine/protocol/hello.js';
import type { CloseReason } from '../engine/protocol/kick.js';
import type { Message } from '../engine/protocol/message.js';
import type { Clock, ClockTimer } from '../engine/timer/clock.js';
import type { ClientPipe, ClientTransportFactory } from './client-transport.js';
import { ConnectionClosed, connectionClosed } from './connection-closed.js';
import { ClientError } from './errors.js';

/** What a {@link GateConnection} needs: the gate, the transport and the protocol's settings. */
export interface GateConnectionOptions {
  endpoint: string;
  /** The gate's identity key, checked. */
  gateKey: Uint8Array;
  transport: ClientTransportFactory;
  crypto: CryptoSuite;
  compressions: Compression[];
  handshakeTimeoutMs: number;
  clock: Clock;
  /** Each message the gate sends once the handshake is done. */
  onMessage(message: Message): void;
  /** Once, when the connection closes after it opened or while it opened: how, and the error that says so. */
  onClose(reason: CloseReason, error: ConnectionClosed): void;
}

export class GateConnection {
  /** The gate's hello, once {@link open} resolved. */
  hello!: ServerHello;
  private readonly protocol: ClientProtocol;
  // Undefined while the transport opens (or when it failed to).
  private pipe: ClientPipe | undefined;
  private timer: ClockTimer | undefined;
  private flushQueued = false;
  private readonly ready: Promise<void>;

  constructor(private readonly options: GateConnectionOptions) {
    const { gateKey, crypto, compressions, handshakeTimeoutMs, clock } = options;
    let opened!: () => void;
    let failed!: (err: Error) => void;
    let isOpen = false;
    this.ready = new Promise<void>((resolve, reject) => ((opened = resolve), (failed = reject)));
    // The handshake's deadline runs from now, the transport's connect included: when it passes
    // while a connect to a silent host is still pending, `ready` fails before it is awaited in
    // open() (handled here, thrown there) and the pipe that opens after it is closed at once.
    this.ready.catch(() => undefined);
    const protocol = new ClientProtocol(
      { gateKey, crypto, compressions, sdk: 'tessera-client/0.1', handshakeTimeoutMs },
      clock.now(),
      (bytes) => {
        try {
          this.pipe?.write(bytes);
        } catch (err) {
          // A transport that cannot take more (a full KCP send queue) ends this connection.
          protocol.transportClosed(`write failed: ${(err as Error).message}`);
        }
      },
      {
        onOpen: (hello) => {
          this.hello = hello;
          isOpen = true;
          opened();
        },
        onMessage: (message) => options.onMessage(message),
        onClose: (reason) => {
          if (this.timer) clock.clearTimer(this.timer);
          this.timer = undefined;
          const error = connectionClosed(reason, isOpen);
          options.onClose(reason, error);
          failed(error);
          this.pipe?.close();
        },
      },
    );
    this.protocol = protocol;
  }

  get endpoint(): string {
    return this.options.endpoint;
  }

  get isOpen(): boolean {
    return this.protocol.isOpen;
  }

  get isClosed(): boolean {
    return this.protocol.isClosed;
  }

  /**
   * Opens the transport and completes the handshake.
   * @throws ClientError CLIENT_ERR_CONNECT_FAILED (or the transport's own ClientError) when the
   *   transport does not open; ConnectionClosed when the handshake fails or times out.
   */
  async open(): Promise<void> {
    const { endpoint, transport, clock } = this.options;
    let pipe: ClientPipe;
    try {
      pipe = await transport(endpoint, {
        onData: (bytes) => {
          this.protocol.input(bytes, clock.now());
          this.scheduleFlush();
        },
        onClose: (reason) => this.protocol.transportClosed(reason),
      });
    } catch (err) {
      // Node's transports and the browser's name what failed; a transport of the application's may not.
      if (err instanceof ClientError) throw err;
      throw new ClientError('CLIENT_ERR_CONNECT_FAILED', `${endpoint}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    this.pipe = pipe;
    if (this.protocol.isClosed) {
      pipe.close();
    } else {
      this.protocol.start();
      this.arm();
    }
    await this.ready;
    this.arm();
  }

  /**
   * Sends a message, flushed with whatever else is sent in the same turn.
   * @throws ClientError CLIENT_ERR_MESSAGE_TOO_LARGE past the gate's limit; what the protocol
   *   throws on a connection that is not open.
   */
  send(message: Message & { route: string }): void {
    try {
      this.protocol.send(message);
    } catch (err) {
      if (err instanceof ProtocolError && err.code === 'PROTOCOL_ERR_MESSAGE_TOO_LARGE') {
        throw new ClientError('CLIENT_ERR_MESSAGE_TOO_LARGE', `${message.route}: ${err.detail} (the gate takes ${this.hello.maxMessageBytes} bytes)`, { cause: err });
      }
      throw err;
    }
    this.scheduleFlush();
  }

  /** Ends the session: tells the gate (which saves the avatar) and closes. */
  close(why: string): void {
    this.protocol.close(why);
  }

  /** Drops the transport without a word to the gate, which keeps the session for a resume; no timer runs for it any more. */
  leave(): void {
    if (this.timer) this.options.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.pipe?.close();
  }

  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    // After the code that queued runs to its end: one packet for everything sent in one go.
    queueMicrotask(() => {
      this.flushQueued = false;
      this.protocol.flush(this.options.clock.now());
    });
  }

  private arm(): void {
    const { clock } = this.options;
    if (this.timer) clock.clearTimer(this.timer);
    this.timer = undefined;
    const due = this.protocol.check();
    if (due === Infinity) return;
    this.timer = clock.setTimer(() => {
      this.protocol.update(clock.now());
      this.arm();
    }, Math.max(0, due - clock.now()));
  }
}
