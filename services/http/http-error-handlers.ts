/**
 * How the HTTP server answers what no route answers: every error body is coded
 * (`{ error: { code, wire, message } }`, services/http/errors.ts) with a short, fixed message.
 *
 * - fastify's refusals of a request (not JSON, wrong content type, too large, a schema failure, a
 *   bad URL) → 4xx `HTTP_ERR_*`; the detail (fastify's code and message) is logged at debug, so a
 *   flood of them costs little;
 * - any other error → 500 `HTTP_ERR_INTERNAL` with the request's id in the body; the full error
 *   is logged at error with the same id;
 * - no route for the path → 404 `HTTP_ERR_NOT_FOUND`, or 405 `HTTP_ERR_METHOD_NOT_ALLOWED` with
 *   `Allow` when the path has routes for other methods; the URL is never echoed;
 * - bytes that are not HTTP (node's `clientError`), a request too slow or with too large headers →
 *   400, 408 or 431 with a coded body, and the connection is closed.
 *
 * Routes may answer their own refusals first (the login routes do) and rethrow the rest here.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { Logger } from '../../engine/log/types.js';
import { HTTP_ERRORS, HttpError } from './errors.js';
import { validationMessage } from './validation-message.js';

// URLs and fastify messages (which may quote the URL) are logged up to this many characters.
const MAX_LOGGED_CHARS = 256;

// The methods a 405 may name in `Allow`.
const METHODS: readonly HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * The error handler: fastify's refusals become coded 4xx answers, anything else a 500 with the
 * request's id. Set it as the app's error handler and as fastify's `frameworkErrors` (which
 * refuses a URL that does not decode before any route runs).
 */
export function createErrorHandler(logger: Logger): (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => FastifyReply {
  return (err, req, reply) => {
    const refusal = toHttpError(err);
    if (refusal) {
      logger.debug('http request refused', { ...about(req), code: refusal.code, cause: err.code, detail: bounded(err.message) });
      return reply.code(refusal.status).send(refusal.toBody());
    }
    logger.error('http request failed', { ...about(req), err });
    return reply.code(HTTP_ERRORS.HTTP_ERR_INTERNAL.status).send(new HttpError('HTTP_ERR_INTERNAL').toBody(req.id));
  };
}

/** Sets the error and not-found handlers of `app`, logging to `logger`. */
export function installErrorHandlers(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler(createErrorHandler(logger));
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?', 1)[0]!;
    const allow = METHODS.filter((method) => app.hasRoute({ method, url: path }));
    const refusal = new HttpError(allow.length > 0 ? 'HTTP_ERR_METHOD_NOT_ALLOWED' : 'HTTP_ERR_NOT_FOUND');
    logger.debug('http request refused', { ...about(req), code: refusal.code });
    if (allow.length > 0) void reply.header('allow', allow.join(', '));
    return reply.code(refusal.status).send(refusal.toBody());
  });
}

/**
 * fastify's `clientErrorHandler`: answers a connection whose bytes are not a valid HTTP request
 * (or that timed out before sending one) with a coded body, then closes it.
 */
export function createClientErrorHandler(logger: Logger): (err: Error & { code?: string }, socket: Socket) => void {
  return (err, socket) => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const refusal = new HttpError(
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'HTTP_ERR_TIMEOUT' : err.code === 'HPE_HEADER_OVERFLOW' ? 'HTTP_ERR_HEADERS_TOO_LARGE' : 'HTTP_ERR_BAD_REQUEST',
    );
    // A fixed body: nothing of the request is echoed.
    const body = JSON.stringify(refusal.toBody());
    const { status } = refusal;
    logger.debug('http request refused', { code: refusal.code, cause: err.code, ip: socket.remoteAddress });
    if (socket.writable) {
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
    }
    socket.destroy();
  };
}

/**
 * The coded refusal for one of fastify's own 4xx errors; undefined for anything else, which is a
 * fault of the server.
 */
function toHttpError(err: FastifyError): HttpError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpError('HTTP_ERR_BAD_JSON');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError('HTTP_ERR_UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError('HTTP_ERR_TOO_LARGE');
    case 'FST_ERR_VALIDATION':
      return new HttpError('HTTP_ERR_BAD_REQUEST', validationMessage(err));
    case 'FST_ERR_NOT_FOUND':
      return new HttpError('HTTP_ERR_NOT_FOUND');
  }
  // Any other refusal of the request itself (a bad URL, a body shorter than its Content-Length).
  const status = err.statusCode;
  if (status !== undefined && status >= 400 && status < 500) return new HttpError('HTTP_ERR_BAD_REQUEST');
  return undefined;
}

function about(req: FastifyRequest): Record<string, unknown> {
  return { id: req.id, method: req.method, url: bounded(req.url), ip: req.ip };
}

function bounded(text: string): string {
  return text.length > MAX_LOGGED_CHARS ? `${text.slice(0, MAX_LOGGED_CHARS)}...` : text;
}
