/**
 * The messages a DATA packet carries. Payloads are msgpack bytes that this layer never decodes:
 * a request's arguments, a response's result, a push body, an error body.
 */
import type { MESSAGE_KIND } from './constants.js';

type Kinds = typeof MESSAGE_KIND;

/** A call that wants a reply with the same id (ids are 1..2^32-1, chosen by the client). */
export interface RequestMessage {
  kind: Kinds['REQUEST'];
  id: number;
  route: string;
  payload: Uint8Array;
}

/** A call without a reply. */
export interface NotifyMessage {
  kind: Kinds['NOTIFY'];
  route: string;
  payload: Uint8Array;
}

/** The reply to the request with the same id. */
export interface ResponseMessage {
  kind: Kinds['RESPONSE'];
  id: number;
  payload: Uint8Array;
}

/** A message from the server that no request asked for. */
export interface PushMessage {
  kind: Kinds['PUSH'];
  route: string;
  payload: Uint8Array;
}

/**
 * A failure: the reply to request `id`, or (id 0) about the connection as a whole. Its payload is
 * an {@link ErrorBody} in msgpack.
 */
export interface ErrorMessage {
  kind: Kinds['ERROR'];
  id: number;
  payload: Uint8Array;
}

/** Any message. */
export type Message = RequestMessage | NotifyMessage | ResponseMessage | PushMessage | ErrorMessage;

/**
 * The body of an error: a numeric code, its stable name and a human-readable message; an internal
 * error (LOBBY_ERR_INTERNAL) adds `id`, the correlation id its server logged the cause under.
 */
export interface ErrorBody {
  code: number;
  name: string;
  message: string;
  id?: string;
}
