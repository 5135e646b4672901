/**
 * The client's byte pipe to a gate: TCP and KCP in Node, WebSocket in Node and browsers. Each
 * opens with {@link ClientTransportFactory} and reports bytes and its end through callbacks.
 */

/** Which transport a client uses. */
export type ClientTransportKind = 'tcp' | 'ws' | 'kcp';

/** Callbacks of an open transport. */
export interface ClientTransportEvents {
  onData(bytes: Uint8Array): void;
  onClose(reason: string): void;
}

/** An open connection to a gate. */
export interface ClientPipe {
  write(bytes: Uint8Array): void;
  close(): void;
}

/** Opens a connection to `endpoint` (`host:port`, or a `ws://` URL). */
export type ClientTransportFactory = (endpoint: string, events: ClientTransportEvents) => Promise<ClientPipe>;
