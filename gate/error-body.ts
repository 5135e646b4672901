/**
 * What a client is told when a request fails: `{ code, name, message }`. The gate's own and the
 * protocol's errors carry their wire codes; a lobby's arrive as RPC RemoteErrors whose names are
 * looked up in the catalogues the gate knows; RPC failures (lobby gone, deadline) become
 * GATE_ERR_LOBBY_FAILED. Anything else is reported without its internals.
 */
import type { CatalogueEntry } from '../engine/errors/coded-error.js';
import type { ErrorBody } from '../engine/protocol/message.js';
import { RemoteError, RpcError } from '../engine/rpc/errors.js';
import { GATE_ERRORS } from './errors.js';

/** Code used for a lobby error whose name no known catalogue holds (a game's own error code). */
export const GAME_ERROR_WIRE = 6000;

/** Longest error name and message sent to a client; a game's message may echo client input. */
const MAX_NAME = 128;
const MAX_MESSAGE = 1024;

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);

/**
 * Builds the error mapper of a gate.
 * @param catalogues error catalogues whose names may come back from lobbies.
 */
export function errorBodyMapper(catalogues: readonly Readonly<Record<string, CatalogueEntry>>[]): (err: unknown) => ErrorBody {
  const wires = new Map<string, number>();
  for (const catalogue of catalogues) for (const [name, entry] of Object.entries(catalogue)) if (entry.wire !== undefined) wires.set(name, entry.wire);
  const map = (err: unknown): ErrorBody => {
    if (err instanceof RemoteError) return { code: wires.get(err.code) ?? GAME_ERROR_WIRE, name: err.code, message: err.remoteMessage };
    if (err instanceof RpcError) {
      return { code: GATE_ERRORS.GATE_ERR_LOBBY_FAILED.wire, name: 'GATE_ERR_LOBBY_FAILED', message: `${err.code}: ${err.detail}` };
    }
    const coded = err as { wireCode?: unknown; code?: unknown; detail?: unknown };
    if (typeof coded.wireCode === 'number' && typeof coded.code === 'string') {
      return { code: coded.wireCode, name: coded.code, message: typeof coded.detail === 'string' ? coded.detail : '' };
    }
    return { code: GATE_ERRORS.GATE_ERR_LOBBY_FAILED.wire, name: 'GATE_ERR_LOBBY_FAILED', message: 'internal error' };
  };
  return (err) => {
    const body = map(err);
    return { code: body.code, name: cut(body.name, MAX_NAME), message: cut(body.message, MAX_MESSAGE) };
  };
}
