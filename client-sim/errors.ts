/**
 * The client SDK's error catalogue: every failure the SDK reports is a {@link ClientError} with one
 * of these codes, whether the SDK refuses an input, cannot reach a server, or a server answered
 * with an error (then `serverCode`, `wireCode` and `serverMessage` say what the server sent).
 * Codes are stable and never reused; each has a test and a line in client-sim/README.md. Nothing
 * here imports Node: the catalogue is part of the browser bundle.
 */
import { CodedError } from '../engine/errors/coded-error.js';

export const CLIENT_ERRORS = {
  CLIENT_ERR_INVALID_GATE_KEY: { message: "gate key must be the gate's 32-byte X25519 public key, in base64 or as bytes" },
  CLIENT_ERR_INVALID_ENDPOINT: { message: 'address is not valid for its transport' },
  CLIENT_ERR_INVALID_TOKEN: { message: 'token must be the non-empty string the login service issued' },
  CLIENT_ERR_NO_WEBSOCKET: { message: 'this runtime has no WebSocket class; pass one as the WebSocket option' },
  CLIENT_ERR_CONNECT_FAILED: { message: 'connection to the gate could not be opened' },
  CLIENT_ERR_LOGIN_UNREACHABLE: { message: 'login service could not be reached' },
  CLIENT_ERR_LOGIN_REPLY: { message: 'login service answered with a reply the SDK does not understand' },
  CLIENT_ERR_LOGIN_REFUSED: { message: 'login service refused; err.serverCode says why' },
  CLIENT_ERR_HANDSHAKE_FAILED: { message: 'handshake with the gate failed; check that the gate key is the one the login reply gave for this gate' },
  CLIENT_ERR_HANDSHAKE_TIMEOUT: { message: 'gate did not complete the handshake in time; check that the address is a gate, or raise handshakeTimeoutMs' },
  CLIENT_ERR_KICKED: { message: 'gate closed the connection; err.serverCode says why' },
  CLIENT_ERR_CONNECTION_LOST: { message: 'connection to the gate was lost; reconnect() resumes the session' },
  CLIENT_ERR_PROTOCOL: { message: 'gate sent data the SDK cannot read, so the SDK closed the connection; reconnect() resumes the session' },
  CLIENT_ERR_CLOSED: { message: 'connection was closed by this client' },
  CLIENT_ERR_REPLACED: { message: 'reconnect() replaced the connection before the reply came; the request may still have run' },
  CLIENT_ERR_NOT_OPEN: { message: 'connection is not open; call reconnect() or connect again' },
  CLIENT_ERR_NO_SESSION: { message: 'reconnect() resumes a session; call auth(token) first' },
  CLIENT_ERR_REQUEST_REFUSED: { message: 'server answered the request with an error; err.serverCode says why' },
  CLIENT_ERR_REQUEST_TIMEOUT: { message: 'no reply in time; the request may still have run; raise requestTimeoutMs if the route is slow' },
  CLIENT_ERR_TOO_MANY_PENDING: { message: 'too many requests wait for replies; await some before sending more, or raise maxPending' },
  CLIENT_ERR_BAD_REPLY: { message: 'gate answered with a reply the SDK cannot read' },
  CLIENT_ERR_INVALID_ROUTE: { message: 'route must be a string of 1 to 255 UTF-8 bytes, such as Component.method' },
  CLIENT_ERR_INVALID_ARGUMENTS: { message: 'arguments cannot be encoded; pass plain data (numbers, strings, booleans, null, arrays, plain objects, Uint8Array)' },
  CLIENT_ERR_MESSAGE_TOO_LARGE: { message: "message is larger than the gate's limit; send less in one message" },
  CLIENT_ERR_INVALID_OPTIONS: { message: 'an option of the world mirror or the interpolator is out of range' },
  CLIENT_ERR_WAIT_TIMEOUT: { message: 'what world.waitFor waited for did not happen in time' },
} as const;

/** One of the codes in {@link CLIENT_ERRORS}. */
export type ClientErrorCode = keyof typeof CLIENT_ERRORS;

/** What a server sent with its refusal: its own stable code, its numeric wire code, and its message. */
export interface ServerSaid {
  /** The server's code, e.g. `GATE_ERR_DUPLICATE_LOGIN`, `LOBBY_ERR_UNKNOWN_ROUTE`, `LOGIN_ERR_RATE_LIMITED`. */
  code: string;
  /** Its numeric code on the wire, e.g. 4104 (0 for a normal close). */
  wire?: number;
  /** The server's short message, for people. */
  message: string;
  /** The correlation id of a server's internal error (`LOBBY_ERR_INTERNAL`), to quote to the studio's support. */
  id?: string;
}

/** Options of a {@link ClientError}. */
export interface ClientErrorOptions {
  /** The error behind it (a socket error, a decode error). */
  cause?: unknown;
  /** What the server sent, when a server refused or closed. */
  server?: ServerSaid;
}

/**
 * Every failure the SDK reports, with a stable {@link ClientErrorCode} in `code`. When a server said
 * why (an ERROR reply, a KICK, a login refusal), `serverCode`, `wireCode` and `serverMessage` hold
 * what it sent, so that game code can branch on it:
 *
 * ```ts
 * client.onClose((reason, err) => {
 *   if (err.serverCode === 'GATE_ERR_DUPLICATE_LOGIN') showLoggedInElsewhere();
 * });
 * ```
 */
export class ClientError extends CodedError<ClientErrorCode> {
  override readonly name: string = 'ClientError';
  /** The server's stable code (`GATE_ERR_*`, `LOBBY_ERR_*`, `PROTOCOL_ERR_*`, `LOGIN_ERR_*`, `CLOSED`), when a server said why. */
  readonly serverCode: string | undefined;
  /** The server's numeric wire code, when a server said why. */
  readonly wireCode: number | undefined;
  /** The server's short message, when a server said why. */
  readonly serverMessage: string | undefined;
  /**
   * The correlation id of a server's internal error (`LOBBY_ERR_INTERNAL`): the server logged the
   * cause under it, so show it to the player to quote to support.
   */
  readonly errorId: string | undefined;

  /**
   * @param code the catalogue code.
   * @param detail what exactly went wrong, appended to the catalogue message.
   * @param options `cause`: the error behind it; `server`: what the server sent.
   */
  constructor(code: ClientErrorCode, detail: string, options?: ClientErrorOptions) {
    super(CLIENT_ERRORS, code, detail, options?.cause === undefined ? undefined : { cause: options.cause });
    this.serverCode = options?.server?.code;
    this.wireCode = options?.server?.wire;
    this.serverMessage = options?.server?.message;
    this.errorId = options?.server?.id;
  }
}
