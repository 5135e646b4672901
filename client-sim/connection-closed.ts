/**
 * How a closed connection reaches the SDK's user: one {@link ConnectionClosed} per close, given to
 * `onClose` handlers and to every request it ends, with a code that says whose doing it was (the
 * gate's KICK, a dropped transport, this client) and what to do about it. Browser-safe.
 */
import { CLOSED, TRANSPORT_CLOSED, type CloseReason } from '../engine/protocol/kick.js';
import { ClientError, type ClientErrorCode, type ClientErrorOptions } from './errors.js';

/** The codes a {@link ConnectionClosed} carries. */
export type ConnectionClosedCode = Extract<
  ClientErrorCode,
  | 'CLIENT_ERR_KICKED'
  | 'CLIENT_ERR_CONNECTION_LOST'
  | 'CLIENT_ERR_PROTOCOL'
  | 'CLIENT_ERR_CLOSED'
  | 'CLIENT_ERR_REPLACED'
  | 'CLIENT_ERR_NOT_OPEN'
  | 'CLIENT_ERR_HANDSHAKE_FAILED'
  | 'CLIENT_ERR_HANDSHAKE_TIMEOUT'
>;

/**
 * The connection closed (or was not open); pending requests fail with it and `onClose` handlers
 * receive it. A close the gate asked for (a KICK) has the gate's code in `serverCode` and
 * `wireCode`, e.g. `GATE_ERR_DUPLICATE_LOGIN` and 4104.
 */
export class ConnectionClosed extends ClientError {
  override readonly name = 'ConnectionClosed';

  /**
   * @param code the catalogue code.
   * @param reason the protocol's close reason (kept for callers that read its `name` and `code`).
   * @param detail what exactly happened.
   * @param options `cause`, and what the gate sent.
   */
  constructor(
    code: ConnectionClosedCode,
    readonly reason: CloseReason,
    detail: string,
    options?: ClientErrorOptions,
  ) {
    super(code, detail, options);
  }
}

/**
 * The error for a close reported by the protocol.
 * @param reason why the protocol closed.
 * @param opened whether the handshake had completed: before it, every close fails the connect.
 */
export function connectionClosed(reason: CloseReason, opened: boolean): ConnectionClosed {
  const { code, name, message } = reason;
  if (name === TRANSPORT_CLOSED) {
    return opened
      ? new ConnectionClosed('CLIENT_ERR_CONNECTION_LOST', reason, `the transport closed without a word from the gate (${message})`)
      : new ConnectionClosed('CLIENT_ERR_HANDSHAKE_FAILED', reason, `the gate closed the connection during the handshake without saying why (${message}); it may be full, or not a gate`);
  }
  if (reason.byPeer) {
    const said = `${name} (${code}): ${message}`;
    const server = { code: name, wire: code, message };
    return opened
      ? new ConnectionClosed('CLIENT_ERR_KICKED', reason, said, { server })
      : new ConnectionClosed('CLIENT_ERR_HANDSHAKE_FAILED', reason, `the gate refused the handshake with ${said}`, { server });
  }
  if (name === CLOSED.name) return new ConnectionClosed('CLIENT_ERR_CLOSED', reason, `close() was called (${message})`);
  if (name === 'PROTOCOL_ERR_HANDSHAKE_TIMEOUT') return new ConnectionClosed('CLIENT_ERR_HANDSHAKE_TIMEOUT', reason, `no answer within ${message}`);
  if (name === 'PROTOCOL_ERR_HEARTBEAT_TIMEOUT') return new ConnectionClosed('CLIENT_ERR_CONNECTION_LOST', reason, `the gate went silent: ${message}`);
  return opened
    ? new ConnectionClosed('CLIENT_ERR_PROTOCOL', reason, `${name}: ${message}`)
    : new ConnectionClosed('CLIENT_ERR_HANDSHAKE_FAILED', reason, `the gate's handshake reply failed with ${name}: ${message}`);
}
