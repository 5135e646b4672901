/**
 * The client SDK's error catalogue: what the SDK itself refuses or cannot do, before or beside
 * what the gate answers (RequestError, ConnectionClosed) and what the login service refuses
 * (LoginFailed). Codes are stable and never reused; each has a test and a line in
 * client-sim/README.md. Nothing here imports Node: the catalogue is part of the browser bundle.
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
} as const;

/** One of the codes in {@link CLIENT_ERRORS}. */
export type ClientErrorCode = keyof typeof CLIENT_ERRORS;

/** An input the SDK refuses, or a failure the SDK names, with a stable {@link ClientErrorCode}. */
export class ClientError extends CodedError<ClientErrorCode> {
  override readonly name = 'ClientError';

  /**
   * @param code the catalogue code.
   * @param detail what exactly went wrong, appended to the catalogue message.
   * @param options `cause`: the error behind it.
   */
  constructor(code: ClientErrorCode, detail: string, options?: { cause?: unknown }) {
    super(CLIENT_ERRORS, code, detail, options);
  }
}
