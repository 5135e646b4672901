/**
 * What the gate needs from a client connection, whatever carries it: TCP, WebSocket or KCP. The
 * protocol treats each as a byte stream; message transports (WebSocket, KCP) carry whole packets
 * per message, which the stream decoder takes as well.
 */
import type { AdmissionTicket } from './connection-admission.js';
import type { GateError } from './errors.js';

/** The transports a gate listens on. */
export type TransportKind = 'tcp' | 'ws' | 'kcp';

/** One client connection's byte pipe. */
export interface ClientTransport {
  readonly kind: TransportKind;
  /** The peer's address, for logs. */
  readonly remote: string;
  /** Bytes written but not yet taken by the network: a slow reader shows here. */
  readonly bufferedBytes: number;
  /** Sends bytes; after {@link close} it does nothing. */
  write(bytes: Uint8Array): void;
  /** Sends what was written, then closes. */
  close(): void;
}

/** How an acceptor reports what happens on a connection it accepted. */
export interface TransportHandlers {
  onData(bytes: Uint8Array): void;
  /** The connection is gone, whoever closed it; called once. */
  onClose(reason: string): void;
}

/** What an acceptor asks of the gate for each connection. */
export interface AcceptorHooks {
  /**
   * Called at accept (a socket, a WebSocket's socket before its HTTP upgrade, a KCP CONNECT),
   * before anything is read: the connection's ticket, or the error to refuse it with at once. The
   * acceptor releases the ticket when the connection is gone.
   */
  admit(remote: string): AdmissionTicket | GateError;
  /** The connection is ready for the protocol (a WebSocket once upgraded); called once per ticket. */
  accept(transport: ClientTransport, ticket: AdmissionTicket): TransportHandlers;
}

/** A listener for one transport. */
export interface Acceptor {
  readonly kind: TransportKind;
  /** Where clients reach it: `host:port`, or a `ws://` URL. */
  readonly endpoint: string;
  /** Starts listening; `hooks` admit and accept each new connection. */
  listen(hooks: AcceptorHooks): Promise<void>;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}
