/**
 * A request the gate or the lobby answered with an ERROR message: the SDK's code
 * CLIENT_ERR_REQUEST_REFUSED, with the server's own code, wire code and message. Browser-safe.
 */
import type { ErrorBody } from '../engine/protocol/message.js';
import { ClientError } from './errors.js';

/** A request the gate or the lobby answered with an error; `serverCode` says which, e.g. `GATE_ERR_ROUTE_BLOCKED`. */
export class RequestError extends ClientError {
  override readonly name = 'RequestError';
  declare readonly serverCode: string;
  declare readonly wireCode: number;
  declare readonly serverMessage: string;

  /**
   * @param route the route of the request.
   * @param body the error the server sent.
   */
  constructor(route: string, body: ErrorBody) {
    const id = body.id === undefined ? '' : ` (id ${body.id})`;
    super('CLIENT_ERR_REQUEST_REFUSED', `${route}: ${body.name} (${body.code}): ${body.message}${id}`, {
      server: { code: body.name, wire: body.code, message: body.message, ...(body.id === undefined ? {} : { id: body.id }) },
    });
  }

  /** @deprecated the server's stable code; read {@link serverCode}. */
  get codeName(): string {
    return this.serverCode;
  }
}

/** Longest correlation id kept from an error body. */
const MAX_ID = 64;

/**
 * The error body of an ERROR message, or undefined when it is not `{ code: number, name: string,
 * message: string }`. An `id` that is a string of at most 64 characters is kept; any other is dropped.
 */
export function asErrorBody(value: unknown): ErrorBody | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { code, name, message, id } = value as Partial<ErrorBody>;
  if (typeof code !== 'number' || typeof name !== 'string' || typeof message !== 'string') return undefined;
  return typeof id === 'string' && id.length <= MAX_ID ? { code, name, message, id } : { code, name, message };
}
