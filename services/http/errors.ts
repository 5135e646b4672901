/**
 * The HTTP server's own error catalogue: refusals of a request before any route's handler sees it
 * (not JSON, wrong content type, too large, no such route), and the internal error every
 * unexpected fault becomes. Bodies are `{ error: { code, wire, message } }` like every service's
 * (an internal error adds `id`). Codes are stable and never reused; each has a test and a line in
 * docs/login.md.
 */
import { CodedError } from '../../engine/errors/coded-error.js';

export const HTTP_ERRORS = {
  HTTP_ERR_BAD_REQUEST: { wire: 5201, status: 400, message: 'request is malformed', when: 'a schema failure on a route that does not answer it itself; a URL that does not decode; a body shorter than its `Content-Length`; bytes that are not an HTTP request (the connection is closed)' },
  HTTP_ERR_BAD_JSON: { wire: 5202, status: 400, message: 'body is not valid JSON', when: '`content-type: application/json` with a body that is empty or not JSON' },
  HTTP_ERR_UNSUPPORTED_MEDIA_TYPE: { wire: 5203, status: 415, message: 'content type is not supported', when: 'a content type the server does not parse (it parses JSON and plain text)' },
  HTTP_ERR_TOO_LARGE: { wire: 5204, status: 413, message: 'body is larger than allowed', when: 'a body over the route\'s limit (1 KiB on the login routes, 64 KiB elsewhere)' },
  HTTP_ERR_NOT_FOUND: { wire: 5205, status: 404, message: 'no such route', when: 'no route has this path' },
  HTTP_ERR_METHOD_NOT_ALLOWED: { wire: 5206, status: 405, message: 'method is not allowed on this route', when: 'the path has routes, for other methods only; `Allow` lists them' },
  // Says nothing of its cause: the log line with the same id has it.
  HTTP_ERR_INTERNAL: { wire: 5207, status: 500, message: 'internal error', when: 'any other error (a store failing, a bug); the body adds `id`, the log line has the cause' },
  HTTP_ERR_TIMEOUT: { wire: 5208, status: 408, message: 'request was not received in time', when: 'the request did not arrive within node\'s request timeout (the connection is closed)' },
  HTTP_ERR_HEADERS_TOO_LARGE: { wire: 5209, status: 431, message: 'headers are larger than allowed', when: 'headers over node\'s limit (16 KiB; the connection is closed)' },
} as const;

/** One of the codes in {@link HTTP_ERRORS}. */
export type HttpErrorCode = keyof typeof HTTP_ERRORS;

/** The body of every HTTP error answer. `id` is there on internal errors only. */
export interface HttpErrorBody {
  error: { code: string; wire: number; message: string; id?: string };
}

/** A request the HTTP server refused, or failed on. */
export class HttpError extends CodedError<HttpErrorCode> {
  override readonly name = 'HttpError';
  /** The numeric code used on the wire. */
  readonly wireCode: number = HTTP_ERRORS[this.code].wire;
  /** The HTTP status it is answered with. */
  readonly status: number = HTTP_ERRORS[this.code].status;

  /**
   * @param code the catalogue code.
   * @param detail sent to the client after the catalogue message when not empty, so it must
   *   say nothing the client did not send: no offsets, limits or internals.
   * @param options `cause`: the error behind it.
   */
  constructor(code: HttpErrorCode, detail = '', options?: { cause?: unknown }) {
    super(HTTP_ERRORS, code, detail, options);
  }

  /**
   * The error body sent to the client.
   * @param id the request's correlation id, sent with internal errors so that support can find the log line.
   */
  toBody(id?: string): HttpErrorBody {
    const { wire, message } = HTTP_ERRORS[this.code];
    const error: HttpErrorBody['error'] = { code: this.code, wire, message: this.detail ? `${message}: ${this.detail}` : message };
    if (id !== undefined) error.id = id;
    return { error };
  }
}
