/**
 * The server-to-server envelope: every frame is one msgpack array whose first element is its kind.
 * Arrays rather than maps keep frames small and decoding fast. Unknown kinds and malformed
 * envelopes are protocol errors: the link that carried them is closed.
 *
 *   HELLO    [0, version, serverId]                                  dialer → acceptor, first frame
 *   WELCOME  [1, version, serverId]                                  acceptor → dialer
 *   GOAWAY   [2, wireCode, reason]                                   either side, then it closes
 *   CALL     [3, id, timeoutMs, trace, to, scope, method, args]     expects RESULT or ERROR
 *   NOTIFY   [4, trace, to, scope, method, args]                    no reply
 *   RESULT   [5, id, value]
 *   ERROR    [6, id, wireCode, code, message]
 *   PING     [7]                                                     keeps an idle link alive
 *
 * `to` is null for a server service (`scope` names the service) and the entity id for an entity
 * (`scope` names the component). `timeoutMs` is the caller's remaining budget, so the deadline
 * survives clock differences between hosts. `trace` is a trace id or null.
 */

/** Envelope kinds, as sent on the wire. */
export const KIND = {
  HELLO: 0,
  WELCOME: 1,
  GOAWAY: 2,
  CALL: 3,
  NOTIFY: 4,
  RESULT: 5,
  ERROR: 6,
  PING: 7,
} as const;
/** One of the values of {@link KIND}. */
export type Kind = (typeof KIND)[keyof typeof KIND];

/** The RPC protocol version; a peer speaking another one is refused at the handshake. */
export const RPC_PROTOCOL_VERSION = 1;

export type HelloEnvelope = [typeof KIND.HELLO | typeof KIND.WELCOME, number, string];
export type GoawayEnvelope = [typeof KIND.GOAWAY, number, string];
export type CallEnvelope = [typeof KIND.CALL, number, number, string | null, string | null, string, string, unknown[]];
export type NotifyEnvelope = [typeof KIND.NOTIFY, string | null, string | null, string, string, unknown[]];
export type ResultEnvelope = [typeof KIND.RESULT, number, unknown];
export type ErrorEnvelope = [typeof KIND.ERROR, number, number, string, string];
export type PingEnvelope = [typeof KIND.PING];
/** Any well-formed envelope. */
export type Envelope =
  | HelloEnvelope
  | GoawayEnvelope
  | CallEnvelope
  | NotifyEnvelope
  | ResultEnvelope
  | ErrorEnvelope
  | PingEnvelope;

const isId = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;
const isStr = (value: unknown): value is string => typeof value === 'string';
const isOptStr = (value: unknown): value is string | null => value === null || typeof value === 'string';

/**
 * Checks the shape of a decoded frame.
 * @returns the envelope, or a description of what is wrong with it.
 */
export function parseEnvelope(value: unknown): Envelope | string {
  if (!Array.isArray(value) || value.length === 0) return 'not a non-empty array';
  const v = value as unknown[];
  switch (v[0]) {
    case KIND.HELLO:
    case KIND.WELCOME:
      return v.length === 3 && isId(v[1]) && isStr(v[2]) ? (v as HelloEnvelope) : 'bad HELLO/WELCOME';
    case KIND.GOAWAY:
      return v.length === 3 && isId(v[1]) && isStr(v[2]) ? (v as GoawayEnvelope) : 'bad GOAWAY';
    case KIND.CALL:
      return v.length === 8 && isId(v[1]) && typeof v[2] === 'number' && isOptStr(v[3]) && isOptStr(v[4]) && isStr(v[5]) && isStr(v[6]) && Array.isArray(v[7])
        ? (v as CallEnvelope)
        : 'bad CALL';
    case KIND.NOTIFY:
      return v.length === 6 && isOptStr(v[1]) && isOptStr(v[2]) && isStr(v[3]) && isStr(v[4]) && Array.isArray(v[5])
        ? (v as NotifyEnvelope)
        : 'bad NOTIFY';
    case KIND.RESULT:
      return v.length === 3 && isId(v[1]) ? (v as ResultEnvelope) : 'bad RESULT';
    case KIND.ERROR:
      return v.length === 5 && isId(v[1]) && isId(v[2]) && isStr(v[3]) && isStr(v[4]) ? (v as ErrorEnvelope) : 'bad ERROR';
    case KIND.PING:
      return v.length === 1 ? (v as PingEnvelope) : 'bad PING';
    default:
      return `unknown kind ${JSON.stringify(v[0])}`;
  }
}
