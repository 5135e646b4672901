/**
 * The client SDK's error catalogue: every failure the SDK reports is a {@link ClientError} with one
 * of these codes, whether the SDK refuses an input, cannot reach a server, or a server answered
 * with an error (then `serverCode`, `wireCode` and `serverMessage` say what the server sent).
 * Codes are stable and never reused; each has a test and a line in client-sim/README.md. Nothing
 * here imports Node: the catalogue is part of the browser bundle.
 */
import { CodedError } from '../engine/errors/coded-error.js';

export const CLIENT_ERRORS = {
  CLIENT_ERR_INVALID_GATE_KEY: { message: "gate key must be the gate's 32-byte X25519 public key, in base64 or as bytes", when: 'the gate key is not 32 bytes or base64 of 32 bytes, passed by hand or in the login reply; checked before connecting' },
  CLIENT_ERR_INVALID_ENDPOINT: { message: 'address is not valid for its transport', when: 'a WebSocket endpoint that is not `ws://`/`wss://`, a TCP/KCP endpoint that is not `host:port`, a login URL that is not `http://`/`https://`' },
  CLIENT_ERR_INVALID_TOKEN: { message: 'token must be the non-empty string the login service issued', when: '`auth` with a token that is not 1 to 65,536 visible ASCII characters; nothing is sent' },
  CLIENT_ERR_NO_WEBSOCKET: { message: 'this runtime has no WebSocket class; pass one as the WebSocket option', when: '`connectBrowser` in a runtime without a global `WebSocket` and none passed as the `WebSocket` option' },
  CLIENT_ERR_CONNECT_FAILED: { message: 'connection to the gate could not be opened', when: 'the transport did not open: nothing listens, the host does not resolve, the WebSocket upgrade was refused, or not open within `connectTimeoutMs`' },
  CLIENT_ERR_LOGIN_UNREACHABLE: { message: 'login service could not be reached', when: '`login`, `register`: `fetch` failed (the service is down or unreachable, or the page\'s origin is not in `login.cors.origins`)' },
  CLIENT_ERR_LOGIN_REPLY: { message: 'login service answered with a reply the SDK does not understand', when: '`login`, `register`: a success reply that is not JSON or lacks the token, uid, `expiresAt` or a gate with an address' },
  CLIENT_ERR_LOGIN_REFUSED: { message: 'login service refused; err.serverCode says why', when: '`login`, `register`: the service refused; `serverCode` is its `LOGIN_ERR_*`' },
  CLIENT_ERR_HANDSHAKE_FAILED: { message: 'handshake with the gate failed; check that the gate key is the one the login reply gave for this gate', when: 'the gate refused the handshake, its reply did not verify, or it closed the connection during the handshake' },
  CLIENT_ERR_HANDSHAKE_TIMEOUT: { message: 'gate did not complete the handshake in time; check that the address is a gate, or raise handshakeTimeoutMs', when: 'no handshake reply within `handshakeTimeoutMs`' },
  CLIENT_ERR_KICKED: { message: 'gate closed the connection; err.serverCode says why', when: 'the gate closed the connection with a KICK; `serverCode` says why' },
  CLIENT_ERR_CONNECTION_LOST: { message: 'connection to the gate was lost; reconnect() resumes the session', when: 'the transport dropped without a KICK, or the gate went silent past its heartbeat timeout' },
  CLIENT_ERR_PROTOCOL: { message: 'gate sent data the SDK cannot read, so the SDK closed the connection; reconnect() resumes the session', when: 'the gate sent data the SDK cannot read (it does not decrypt or decode), so the SDK closed the connection' },
  CLIENT_ERR_CLOSED: { message: 'connection was closed by this client', when: 'this client called `close()` before the reply came' },
  CLIENT_ERR_REPLACED: { message: 'reconnect() replaced the connection before the reply came; the request may still have run', when: '`reconnect()` was called while the connection the request went on was still open' },
  CLIENT_ERR_NOT_OPEN: { message: 'connection is not open; call reconnect() or connect again', when: '`request`, `notify`, `auth` on a connection that has closed or is not open yet; nothing is sent' },
  CLIENT_ERR_NO_SESSION: { message: 'reconnect() resumes a session; call auth(token) first', when: '`reconnect()` before a successful `auth(token)`' },
  CLIENT_ERR_REQUEST_REFUSED: { message: 'server answered the request with an error; err.serverCode says why', when: '`request`, `auth`: the gate or the lobby answered with an ERROR; `serverCode`, `wireCode`, `serverMessage` say what' },
  CLIENT_ERR_REQUEST_TIMEOUT: { message: 'no reply in time; the request may still have run; raise requestTimeoutMs if the route is slow', when: 'no reply within `requestTimeoutMs`; the request may still have run' },
  CLIENT_ERR_TOO_MANY_PENDING: { message: 'too many requests wait for replies; await some before sending more, or raise maxPending', when: '`maxPending` requests already wait for replies; nothing is sent' },
  CLIENT_ERR_BAD_REPLY: { message: 'gate answered with a reply the SDK cannot read', when: 'a result that is not msgpack, an ERROR whose body is not `{ code, name, message }`, a `sys.auth` reply that is not a session' },
  CLIENT_ERR_INVALID_ROUTE: { message: 'route must be a string of 1 to 255 UTF-8 bytes, such as Component.method', when: '`request`, `notify`: the route is not a string of 1 to 255 UTF-8 bytes; nothing is sent' },
  CLIENT_ERR_INVALID_ARGUMENTS: { message: 'arguments cannot be encoded; pass plain data (numbers, strings, booleans, null, arrays, plain objects, Uint8Array)', when: '`request`, `notify`: an argument msgpack cannot carry or over the codec\'s limits; nothing is sent' },
  CLIENT_ERR_MESSAGE_TOO_LARGE: { message: "message is larger than the gate's limit; send less in one message", when: 'the encoded arguments are larger than the gate\'s `maxMessageBytes`; nothing is sent, the connection stays open' },
  CLIENT_ERR_INVALID_OPTIONS: { message: 'an option of the world mirror or the interpolator is out of range', when: '`world.waitFor`, `new Interpolator`: a `timeoutMs`, `delayMs` or `maxSamples` out of range, an empty component or field name' },
  CLIENT_ERR_WAIT_TIMEOUT: { message: 'what world.waitFor waited for did not happen in time', when: '`world.waitFor`: the condition did not hold within `timeoutMs` on the client\'s clock' },
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
