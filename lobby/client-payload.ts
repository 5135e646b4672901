/**
 * The msgpack payloads of client requests, as the gate forwards them without decoding: the
 * arguments are one array, the result one value. Arguments are untrusted bytes: they are checked
 * against the client limits before anything is allocated for them (engine/codec), and decoded
 * once, here. Results are the game's own values, encoded once without that check.
 */
import { CodecError } from '../engine/codec/errors.js';
import type { MsgpackCodec } from '../engine/codec/msgpack-codec.js';
import { LobbyError } from './errors.js';

/**
 * Decodes a request's arguments.
 * @param codec a codec bound to the client limits.
 * @throws LobbyError LOBBY_ERR_BAD_ARGS when `bytes` are not bytes, not one msgpack value within
 *   the limits, or not an array.
 */
export function decodeArgs(codec: MsgpackCodec, bytes: unknown): unknown[] {
  if (!(bytes instanceof Uint8Array)) throw new LobbyError('LOBBY_ERR_BAD_ARGS', `arguments are ${typeof bytes}, not bytes`);
  let args: unknown;
  try {
    args = codec.decode(bytes);
  } catch (err) {
    if (err instanceof CodecError) throw new LobbyError('LOBBY_ERR_BAD_ARGS', err.message, { cause: err });
    throw err;
  }
  if (!Array.isArray(args)) throw new LobbyError('LOBBY_ERR_BAD_ARGS', 'arguments are not a msgpack array');
  return args;
}

/**
 * Encodes what a game method returned (`undefined` travels as nil). The result is the game's own
 * value: it is held to the server-to-server limits as it is written, not walked again afterwards.
 * @throws LobbyError LOBBY_ERR_BAD_RESULT when msgpack cannot carry the value or it breaks a limit.
 */
export function encodeResult(codec: MsgpackCodec, route: string, value: unknown): Uint8Array {
  try {
    return codec.encode(value);
  } catch (err) {
    if (err instanceof CodecError) throw new LobbyError('LOBBY_ERR_BAD_RESULT', `${route}: ${err.message}`, { cause: err });
    throw err;
  }
}
