/**
 * What a client is told when a request fails: `{ code, name, message }`, where the message is the
 * short, fixed text of the code's catalogue entry. What exactly went wrong (a codec limit, a byte
 * offset, a lobby's stack) goes to the gate's log, once, and never to the client.
 *
 * The gate's own and the protocol's errors carry their codes; a lobby's arrive as RPC
 * RemoteErrors whose names are looked up in the catalogues the gate knows; RPC failures (lobby
 * gone, deadline) become GATE_ERR_LOBBY_FAILED, and so does anything uncoded. A game's own error
 * code, which no catalogue holds, keeps the message the game wrote for its players (cut to
 * {@link MAX_GAME_MESSAGE} characters): the game chose to say it. Only a code of a game's shape
 * passes as one (engine/errors/game-error-code.ts): an engine code that no catalogue here holds
 * (a lobby's StoreError, say) is a lobby failure, never sent. A lobby's internal error
 * (LOBBY_ERR_INTERNAL) adds its correlation id to the body as `id`.
 */
import type { CatalogueEntry } from '../engine/errors/coded-error.js';
import { isGameErrorCode } from '../engine/errors/game-error-code.js';
import type { LogMeta, Logger } from '../engine/log/types.js';
import type { ErrorBody } from '../engine/protocol/message.js';
import { RemoteError, RpcError } from '../engine/rpc/errors.js';
import { INTERNAL_ERROR_CODE, internalErrorId } from '../engine/session/session-contract.js';
import { GATE_ERRORS } from './errors.js';

/** Code used for a lobby error whose name no known catalogue holds (a game's own error code). */
export const GAME_ERROR_WIRE = 6000;

/** Longest game message sent to a client; a game's message may echo client input. */
export const MAX_GAME_MESSAGE = 256;

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);

/**
 * Turns a failure into the client's error body and logs its detail: at `debug` for errors a client
 * causes (one line per refused request; at `info` a client could flood the log), at `warn` for a
 * failure of the lobby or of the gate itself.
 * @param err what the request failed with.
 * @param meta what the log line says about the connection (remote address, uid, route).
 */
export type ErrorMapper = (err: unknown, meta: LogMeta) => ErrorBody;

/**
 * Builds the error mapper of a gate.
 * @param catalogues error catalogues whose names may come back from lobbies.
 * @param logger where the details go.
 */
export function errorBodyMapper(catalogues: readonly Readonly<Record<string, CatalogueEntry>>[], logger: Logger): ErrorMapper {
  const known = new Map<string, { wire: number; message: string }>();
  for (const catalogue of catalogues) for (const [name, entry] of Object.entries(catalogue)) if (entry.wire !== undefined) known.set(name, { wire: entry.wire, message: entry.message });
  const lobbyFailed = (): ErrorBody => ({ code: GATE_ERRORS.GATE_ERR_LOBBY_FAILED.wire, name: 'GATE_ERR_LOBBY_FAILED', message: GATE_ERRORS.GATE_ERR_LOBBY_FAILED.message });

  return (err, meta) => {
    if (err instanceof RemoteError) {
      const entry = known.get(err.code);
      if (entry || isGameErrorCode(err.code)) logger.debug('gate: request refused', { ...meta, code: err.code, lobby: err.serverId, detail: err.remoteMessage });
      if (entry) {
        const id = err.code === INTERNAL_ERROR_CODE ? internalErrorId(err.remoteMessage) : undefined;
        return { code: entry.wire, name: err.code, message: entry.message, ...(id === undefined ? {} : { id }) };
      }
      if (isGameErrorCode(err.code)) return { code: GAME_ERROR_WIRE, name: err.code, message: cut(err.remoteMessage, MAX_GAME_MESSAGE) };
    }
    if (err instanceof RpcError || err instanceof RemoteError) {
      logger.warn('gate: request failed at its lobby', { ...meta, err });
      return lobbyFailed();
    }
    const coded = err as { wireCode?: unknown; code?: unknown; detail?: unknown };
    if (typeof coded.wireCode === 'number' && typeof coded.code === 'string') {
      logger.debug('gate: request refused', { ...meta, code: coded.code, detail: coded.detail });
      const entry = known.get(coded.code);
      return { code: coded.wireCode, name: coded.code, message: entry?.message ?? 'request failed' };
    }
    logger.warn('gate: request failed in the gate', { ...meta, err });
    return lobbyFailed();
  };
}
