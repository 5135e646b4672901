/**
 * Runs one client request once its turn has come: route lookup (client-routes.ts), argument
 * decoding with the client limits (client-payload.ts), the game method, result encoding. Game
 * errors are logged here, where their stack is, and turned into what the gate should see.
 */
import type { MsgpackCodec } from '../engine/codec/msgpack-codec.js';
import type { Logger } from '../engine/log/types.js';
import { decodeArgs, encodeResult } from './client-payload.js';
import { parseRoute, type ClientCaller, type ClientRoutes } from './client-routes.js';
import { LobbyError } from './errors.js';

/** What a {@link ClientDispatch} needs. */
export interface ClientDispatchOptions {
  routes: ClientRoutes;
  /** Decodes client arguments, bound to the client limits. */
  clientCodec: MsgpackCodec;
  /** Encodes results, bound to the server-to-server limits. */
  codec: MsgpackCodec;
  logger: Logger;
  maxRouteLength: number;
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
   * Runs `route` for `caller` with `args` (msgpack bytes of an array).
   * @returns the msgpack bytes of the result.
   * @throws LobbyError (see errors.ts), or the game's own error when it carries a string `code`.
   */
  async run(caller: ClientCaller, route: string, args: Uint8Array): Promise<Uint8Array> {
    const invoke = this.options.routes.resolve(parseRoute(route, this.options.maxRouteLength), caller);
    const decoded = decodeArgs(this.options.clientCodec, args);
    let value: unknown;
    try {
      value = await invoke(decoded);
    } catch (err) {
      throw this.gameError(route, caller.sessionId, err);
    }
    return encodeResult(this.options.codec, route, value);
  }

  /**
   * Runs a route without a session (a client service that passes before login). These have no
   * queue to wait in, so how many run at once is capped instead.
   * @throws LobbyError LOBBY_ERR_QUEUE_FULL past `maxUnauthenticatedInFlight`; as {@link run}.
   */
  async runUnauthenticated(route: string, args: Uint8Array): Promise<Uint8Array> {
    const cap = this.options.maxUnauthenticatedInFlight;
    if (this.unauthenticated >= cap) throw new LobbyError('LOBBY_ERR_QUEUE_FULL', `${this.unauthenticated} requests without a session running, cap ${cap}`);
    this.unauthenticated++;
    try {
      return await this.run(GUEST, route, args);
    } finally {
      this.unauthenticated--;
    }
  }

  /** Whether `err` came from a game method and was logged already. */
  wasLogged(err: unknown): boolean {
    return typeof err === 'object' && err !== null && this.logged.has(err);
  }

  // A game error with its own string code (from the game's catalogue) reaches the client as it
  // is; anything else is wrapped, keeping its message, so the gate always sees a string code.
  private gameError(route: string, sessionId: string, err: unknown): unknown {
    if (typeof stringCode(err) === 'string') {
      this.options.logger.debug('lobby: game method refused', { err, route, sessionId });
      this.logged.add(err as object);
      return err;
    }
    // Logged here, with the stack, which the gate never sees.
    this.options.logger.warn('lobby: game method threw', { err, route, sessionId });
    const wrapped = new LobbyError('LOBBY_ERR_HANDLER', err instanceof Error ? err.message : String(err), { cause: err });
    this.logged.add(wrapped);
    return wrapped;
  }
}

function stringCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  try {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined; // a getter that throws
  }
}
