/**
 * The gate's error catalogue. Some answer one request with an ERROR message and leave the
 * connection open (a blocked route); others close it with a KICK (a flood, a bad token). Codes are
 * stable and never reused; each has a test and a line in docs/protocol.md.
 */
import { CodedError } from '../engine/errors/coded-error.js';

export const GATE_ERRORS = {
  GATE_ERR_AUTH_FAILED: { wire: 4101, message: 'token refused', when: 'KICK: the `sys.auth` token is refused; the message names the `AUTH_ERR_*` code' },
  GATE_ERR_NOT_AUTHENTICATED: { wire: 4102, message: 'route needs an authenticated session', when: 'ERROR: an `auth` route before `sys.auth` succeeded' },
  GATE_ERR_ROUTE_BLOCKED: { wire: 4103, message: 'route is blocked', when: 'ERROR: a route the route rules block' },
  GATE_ERR_DUPLICATE_LOGIN: { wire: 4104, message: 'the same account logged in elsewhere', when: 'KICK: the account logged in again, here or on another gate, or resumed this session elsewhere' },
  GATE_ERR_RATE_LIMIT: { wire: 4105, message: 'too many messages', when: 'KICK: more messages than `gate.ratePerSecond` and `gate.rateBurst` allow' },
  GATE_ERR_NO_LOBBY: { wire: 4106, message: 'no lobby is available', when: 'ERROR: no lobby is registered to take the request' },
  GATE_ERR_LOBBY_FAILED: { wire: 4107, message: 'the lobby did not answer', when: 'ERROR: the lobby did not answer within `gate.lobbyTimeoutMs`, its link dropped, or it failed internally' },
  GATE_ERR_SLOW_CONSUMER: { wire: 4108, message: 'client does not read fast enough', when: 'KICK: more than `gate.maxBufferedBytes` wait to be sent to the client (the session may be resumed)' },
  GATE_ERR_FULL: { wire: 4109, message: 'gate is full', when: 'KICK at accept: the gate has `gate.maxConnections` connections' },
  GATE_ERR_SHUTTING_DOWN: { wire: 4110, message: 'gate is shutting down', when: 'KICK: the gate is draining; connect to another gate' },
  GATE_ERR_ALREADY_AUTHENTICATED: { wire: 4111, message: 'session is already authenticated', when: 'ERROR: a second `sys.auth` on the connection' },
  GATE_ERR_TOO_MANY_PENDING: { wire: 4112, message: 'too many requests waiting for replies', when: 'ERROR: `gate.maxPending` requests of the connection already wait for replies' },
  GATE_ERR_KICKED: { wire: 4113, message: 'kicked by the server', when: 'KICK: a lobby (the game) or an administrator ended the session; the message is the reason given' },
  GATE_ERR_BAD_REQUEST: { wire: 4114, message: 'request is malformed', when: 'ERROR: a `sys.auth` payload of the wrong shape (not `[token, { sessionId, resumeToken }?]`)' },
  GATE_ERR_RESPONSE_TOO_LARGE: { wire: 4115, message: 'reply is larger than the message limit', when: 'ERROR: the lobby\'s reply is larger than `gate.maxMessageBytes`' },
  GATE_ERR_INTERNAL: { wire: 4116, message: 'the gate failed on this connection', when: 'KICK: the gate itself failed on this connection (logged there); the session may be resumed' },
  GATE_ERR_TOO_MANY_HANDSHAKES: { wire: 4117, message: 'too many connections are still in their handshake', when: 'KICK at accept: `gate.maxPendingConnections` connections, or `gate.maxPendingPerAddress` from this address, have not finished the handshake and authenticated' },
  GATE_ERR_AUTH_TIMEOUT: { wire: 4118, message: 'the connection did not authenticate in time', when: 'KICK: no successful `sys.auth` within `gate.authTimeoutMs` of the accept' },
  GATE_ERR_RESUME_FORGED: { wire: 4119, message: 'resume token was not issued by this cluster for this session', when: 'ERROR: a `sys.auth` resume token this cluster did not issue, altered, or of another session; the session starts anew' },
  GATE_ERR_RESUME_EXPIRED: { wire: 4120, message: 'resume token has expired', when: 'ERROR: a `sys.auth` resume token past `gate.resumeTokenTtlMs` from its issue' },
  GATE_ERR_RESUME_OTHER_ACCOUNT: { wire: 4121, message: 'resume token belongs to another account', when: 'ERROR: a `sys.auth` resume token of another account than the login token\'s' },
  GATE_ERR_RESUME_REPLAYED: { wire: 4122, message: 'session was resumed elsewhere since this resume token was issued', when: 'ERROR: a `sys.auth` resume token superseded: the session was resumed on another gate since it was issued' },
  GATE_ERR_UNAVAILABLE: { wire: 4123, message: 'a service the login needs is unavailable; try again later', when: 'ERROR: `sys.auth` of a new session while the online index (Redis) cannot be reached; nothing is kept, the client logs in again after a pause' },
} as const;

/** One of the codes in {@link GATE_ERRORS}. */
export type GateErrorCode = keyof typeof GATE_ERRORS;

/** An error the gate reports to a client. */
export class GateError extends CodedError<GateErrorCode> {
  override readonly name = 'GateError';
  /** The numeric code on the wire. */
  readonly wireCode: number = GATE_ERRORS[this.code].wire;
  /** What the client is told: the catalogue message unless a short text was given for it. */
  readonly clientMessage: string;

  /**
   * @param code the catalogue code.
   * @param detail what exactly went wrong, appended to the catalogue message; for the log only.
   * @param options `cause`: the error behind it; `clientMessage`: a short text for the client in
   *   place of the catalogue message (the auth code of a refused token, a game's kick reason),
   *   never one that echoes internals.
   */
  constructor(code: GateErrorCode, detail: string, options?: { cause?: unknown; clientMessage?: string }) {
    super(GATE_ERRORS, code, detail, options);
    this.clientMessage = options?.clientMessage ?? GATE_ERRORS[code].message;
  }
}
