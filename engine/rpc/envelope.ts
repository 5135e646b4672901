/**
 * The server-to-server envelope: what each frame means, as a tuple whose first element is its
 * kind. On the wire (envelope-codec.ts) CALL, NOTIFY, RESULT and ERROR have a hand-read binary
 * header followed by msgpack arguments or value; the others are msgpack arrays exactly as written
 * below. Unknown kinds and malformed envelopes are protocol errors: the link that carried them is
 * closed.
 *
 *   HELLO    [0, version, dialerId, acceptorId, nonce, proof, min?, max?]  dialer → acceptor, after CHALLENGE
 *   WELCOME  [1, version, acceptorId, proof, contract?]              acceptor → dialer
 *   GOAWAY   [2, wireCode, reason]                                   either side, then it closes
 *   CALL     [3, id, timeoutMs, trace, to, scope, method, args]     expects RESULT or ERROR
 *   NOTIFY   [4, trace, to, scope, method, args]                    no reply
 *   RESULT   [5, id, value]
 *   ERROR    [6, id, wireCode, code, message]
 *   PING     [7]                                                     keeps an idle link alive
 *   CHALLENGE [8, version, nonce]                                    acceptor → dialer, first frame
 *
 * `nonce` is 16 random bytes and `proof` a 32-byte HMAC (handshake-proof.ts). `min`, `max`: the
 * RPC contract versions the dialer speaks; `contract`: the one the acceptor chose for the link,
 * present when the HELLO gave a range (rpc-versions.ts).
 * `to` is null for a server service (`scope` names the service) and the entity id for an entity
 * (`scope` names the component). `timeoutMs` is the caller's remaining budget (whole ms on the
 * wire, rounded up), so the deadline survives clock differences between hosts. `trace` is a W3C traceparent, a bare trace id
 * or null (trace-context.ts).
 */

import { isVersionRange } from './rpc-versions.js';

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
  CHALLENGE: 8,
} as const;
/** One of the values of {@link KIND}. */
export type Kind = (typeof KIND)[keyof typeof KIND];

/** The RPC protocol version; a peer speaking another one is refused at the handshake. */
export const RPC_PROTOCOL_VERSION = 3;
/** Bytes of a handshake nonce. */
export const NONCE_BYTES = 16;
/** Bytes of a handshake proof (HMAC-SHA256). */
export const PROOF_BYTES = 32;

export type ChallengeEnvelope = [typeof KIND.CHALLENGE, number, Uint8Array];
export type HelloEnvelope = [typeof KIND.HELLO, number, string, string, Uint8Array, Uint8Array, number?, number?];
export type WelcomeEnvelope = [typeof KIND.WELCOME, number, string, Uint8Array, number?];
export type GoawayEnvelope = [typeof KIND.GOAWAY, number, string];
export type CallEnvelope = [typeof KIND.CALL, number, number, string | null, string | null, string, string, unknown[]];
export type NotifyEnvelope = [typeof KIND.NOTIFY, string | null, string | null, string, string, unknown[]];
export type ResultEnvelope = [typeof KIND.RESULT, number, unknown];
export type ErrorEnvelope = [typeof KIND.ERROR, number, number, string, string];
export type PingEnvelope = [typeof KIND.PING];
/** Any well-formed envelope. */
export type Envelope =
  | ChallengeEnvelope
  | HelloEnvelope
  | WelcomeEnvelope
  | GoawayEnvelope
  | CallEnvelope
  | NotifyEnvelope
  | ResultEnvelope
  | ErrorEnvelope
  | PingEnvelope;

const isId = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;
const isStr = (value: unknown): value is string => typeof value === 'string';
const isBytes = (value: unknown, length: number): value is Uint8Array => value instanceof Uint8Array && value.length === length;
const isVersion = (value: unknown): boolean => value === RPC_PROTOCOL_VERSION;
const isContract = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 1;

/**
 * The protocol version of a handshake frame of another version than this server's (whatever the
 * rest of it holds), so that the refusal can say so.
 */
export function foreignVersion(value: unknown): number | undefined {
  if (!Array.isArray(value) || value.length < 2) return undefined;
  const [kind, version] = value as unknown[];
  const handshake = kind === KIND.CHALLENGE || kind === KIND.HELLO || kind === KIND.WELCOME;
  return handshake && isId(version) && version !== RPC_PROTOCOL_VERSION ? version : undefined;
}

/**
 * Checks the shape of a frame decoded as msgpack: a handshake envelope, GOAWAY or PING.
 * @returns the envelope, or a description of what is wrong with it.
 */
export function parseEnvelope(value: unknown): Envelope | string {
  if (!Array.isArray(value) || value.length === 0) return 'not a non-empty array';
  const v = value as unknown[];
  switch (v[0]) {
    case KIND.CHALLENGE:
      return v.length === 3 && isVersion(v[1]) && isBytes(v[2], NONCE_BYTES) ? (v as ChallengeEnvelope) : 'bad CHALLENGE';
    case KIND.HELLO:
      return (v.length === 6 || (v.length === 8 && isVersionRange(v.slice(6)))) && isVersion(v[1]) && isStr(v[2]) && isStr(v[3]) && isBytes(v[4], NONCE_BYTES) && isBytes(v[5], PROOF_BYTES)
        ? (v as HelloEnvelope)
        : 'bad HELLO';
    case KIND.WELCOME:
      return (v.length === 4 || (v.length === 5 && isContract(v[4]))) && isVersion(v[1]) && isStr(v[2]) && isBytes(v[3], PROOF_BYTES) ? (v as WelcomeEnvelope) : 'bad WELCOME';
    case KIND.GOAWAY:
      return v.length === 3 && isId(v[1]) && isStr(v[2]) ? (v as GoawayEnvelope) : 'bad GOAWAY';
    case KIND.CALL:
    case KIND.NOTIFY:
    case KIND.RESULT:
    case KIND.ERROR:
      return `kind ${v[0]} in msgpack form, not binary`;
    case KIND.PING:
      return v.length === 1 ? (v as PingEnvelope) : 'bad PING';
    default:
      return `unknown kind ${JSON.stringify(v[0])}`;
  }
}
