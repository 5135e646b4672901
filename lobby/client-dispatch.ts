/**
 * Runs one client request once its turn has come: route lookup (client-routes.ts), argument
 * decoding with the client limits (client-payload.ts), the game method, result encoding. What a
 * game method throws is logged here, where its stack is, and turned into what the gate should
 * see: a {@link GameError} as it is, anything else as LOBBY_ERR_INTERNAL with a correlation id.
 */
import { randomUUID } from 'node:crypto';
import type { MsgpackCodec } from '../engine/codec/msgpack-codec.js';
import type { Logger } from '../engine/log/types.js';
import { internalErrorDetail } from '../engine/session/session-contract.js';
import { decodeArgs, encodeResult } from './client-payload.js';
import type { ClientCaller, ClientRoutes } from './client-routes.js';
import { LobbyError } from './errors.js';
import { GameError } from './game-error.js';

/** What a {@link ClientDispatch} needs. */
export interface ClientDispatchOptions {
  routes: ClientRoutes;
  /** Decodes client arguments, bound to the client limits. */
  clientCodec: MsgpackCodec;
  /** Encodes results. */
  codec: MsgpackCodec;
  logger: Logger;
  maxUnauthenticatedInFlight: number;
}

const GUEST: ClientCaller = Object.freeze({ sessionId: '', session: undefined, avatar: undefined });

/** The request runner of one session host. */
export class ClientDispatch {
  private unauthenticated = 0;
  /** Errors already logged where the game method threw them. */
  private readonly logged = new WeakSet<object>();

  constructor(private readonly options: ClientDispatchOptions) {}

  /**
   * Runs `route` for `caller` with `args` (msgpack bytes of an array). A game method that answers
   * at once is answered at once: no promise, no turn of the event loop.
   * @returns the msgpack bytes of the result, or a promise of them when the method returned one.
   * @throws LobbyError (see errors.ts; LOBBY_ERR_INTERNAL when the game method threw anything but
   *   a GameError), or the GameError the game method threw; the promise rejects with the same.
   */
  run(caller: ClientCaller, route: string, args: Uint8Array): Uint8Array | Promise<Uint8Array> {
    const invoke = this.options.routes.resolve(route, caller);
    const decoded = decodeArgs(this.options.clientCodec, args);
    let value: unknown;
    try {
      value = invoke(decoded);
    } catch (err) {
      throw this.gameError(route, caller.sessionId, err);
    }
    if (!isThenable(value)) return encodeResult(this.options.codec, route, value);
    return Promise.resolve(value).then(
      (settled) => encodeResult(this.options.codec, route, settled),
      (err: unknown) => {
        throw this.gameError(route, caller.sessionId, err);
      },
    );
  }

  /**
   * Runs a route without a session (a client service that passes before login). These have no
   * queue to wait in, so how many run at once is capped instead.
   * @throws LobbyError (rejects) LOBBY_ERR_QUEUE_FULL past `maxUnauthenticatedInFlight`; as {@link run}.
   */
  runUnauthenticated(route: string, args: Uint8Array): Promise<Uint8Array> {
    const cap = this.options.maxUnauthenticatedInFlight;
    if (this.unauthenticated >= cap) return Promise.reject(new LobbyError('LOBBY_ERR_QUEUE_FULL', `${this.unauthenticated} requests without a session running, cap ${cap}`));
    this.unauthenticated++;
    let reply: Uint8Array | Promise<Uint8Array>;
    try {
      reply = this.run(GUEST, route, args);
    } catch (err) {
      this.unauthenticated--;
      return Promise.reject(err);
    }
    if (!(reply instanceof Promise)) {
      this.unauthenticated--;
      return Promise.resolve(reply);
    }
    return reply.finally(() => this.unauthenticated--);
  }

  /** Whether `err` came from a game method and was logged already. */
  wasLogged(err: unknown): boolean {
    return typeof err === 'object' && err !== null && this.logged.has(err);
  }

  // Only a GameError says what the game chose to tell its player. Anything else (a StoreError or
  // an RpcError with a code of its own, a bug) could tell a client about the servers: it is
  // logged with its stack under a fresh id, and the client gets that id only.
  private gameError(route: string, sessionId: string, err: unknown): unknown {
    if (err instanceof GameError) {
      const cause = err.cause === undefined ? {} : { cause: err.cause };
      this.options.logger.debug('lobby: game method refused', { code: err.code, detail: err.message, ...cause, route, sessionId });
      this.logged.add(err);
      return err;
    }
    const errorId = randomUUID();
    this.options.logger.error('lobby: game method failed', { err, errorId, route, sessionId });
    const wrapped = new LobbyError('LOBBY_ERR_INTERNAL', internalErrorDetail(errorId), { cause: err });
    this.logged.add(wrapped);
    return wrapped;
  }
}

// What `await` would wait for: a promise or any object with a `then` method.
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
