/**
 * The gate's error catalogue. Some answer one request with an ERROR message and leave the
 * connection open (a blocked route); others close it with a KICK (a flood, a bad token). Codes are
 * stable and never reused; each has a test and a line in docs/protocol.md.
 */
import { CodedError } from '../engine/errors/coded-error.js';

export const GATE_ERRORS = {
  GATE_ERR_AUTH_FAILED: { wire: 4101, message: 'token refused' },
  GATE_ERR_NOT_AUTHENTICATED: { wire: 4102, message: 'route needs an authenticated session' },
  GATE_ERR_ROUTE_BLOCKED: { wire: 4103, message: 'route is blocked' },
  GATE_ERR_DUPLICATE_LOGIN: { wire: 4104, message: 'the same account logged in elsewhere' },
  GATE_ERR_RATE_LIMIT: { wire: 4105, message: 'too many messages' },
  GATE_ERR_NO_LOBBY: { wire: 4106, message: 'no lobby is available' },
  GATE_ERR_LOBBY_FAILED: { wire: 4107, message: 'the lobby did not answer' },
  GATE_ERR_SLOW_CONSUMER: { wire: 4108, message: 'client does not read fast enough' },
  GATE_ERR_FULL: { wire: 4109, message: 'gate is full' },
  GATE_ERR_SHUTTING_DOWN: { wire: 4110, message: 'gate is shutting down' },
  GATE_ERR_ALREADY_AUTHENTICATED: { wire: 4111, message: 'session is already authenticated' },
  GATE_ERR_TOO_MANY_PENDING: { wire: 4112, message: 'too many requests waiting for replies' },
  GATE_ERR_KICKED: { wire: 4113, message: 'kicked by the server' },
  GATE_ERR_BAD_REQUEST: { wire: 4114, message: 'request is malformed' },
  GATE_ERR_RESPONSE_TOO_LARGE: { wire: 4115, message: 'reply is larger than the message limit' },
  GATE_ERR_INTERNAL: { wire: 4116, message: 'the gate failed on this connection' },
  GATE_ERR_TOO_MANY_HANDSHAKES: { wire: 4117, message: 'too many connections are still in their handshake' },
  GATE_ERR_RESUME_FORGED: { wire: 4118, message: 'resume token was not issued by this cluster for this session' },
  GATE_ERR_RESUME_EXPIRED: { wire: 4119, message: 'resume token has expired' },
  GATE_ERR_RESUME_OTHER_ACCOUNT: { wire: 4120, message: 'resume token belongs to another account' },
  GATE_ERR_RESUME_REPLAYED: { wire: 4121, message: 'session was resumed elsewhere since this resume token was issued' },
  GATE_ERR_UNAVAILABLE: { wire: 4122, message: 'a service the login needs is unavailable; try again later' },
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
