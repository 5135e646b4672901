/**
 * The one error a game throws to answer a client with its own code and message. Anything else a
 * game method throws (a store or RPC failure, a bug) reaches the client as LOBBY_ERR_INTERNAL
 * with a correlation id only (client-dispatch.ts). Thrown by a component's `serverCallable`
 * method, a GameError keeps its code for the calling server too (`RemoteError.code`).
 */
import { gameErrorCodeProblem } from '../engine/errors/game-error-code.js';

/**
 * A refusal the game chose to tell its player:
 *
 * ```ts
 * if (this.cooldownLeft > 0) throw new GameError('ARENA_ERR_COOLDOWN', 'attack is cooling down');
 * ```
 *
 * The client gets `{ code: 6000, name: 'ARENA_ERR_COOLDOWN', message: 'attack is cooling down' }`
 * (the message cut to 256 characters), so write messages for players and put nothing secret in them.
 */
export class GameError extends Error {
  override readonly name = 'GameError';

  /**
   * @param code the game's own code: 3 to 64 of A-Z, 0-9 and `_`, starting with a letter, and not
   *   starting with a prefix the engine reserves (`LOBBY_ERR_`, `GATE_ERR_`, `RPC_ERR_`, …; see
   *   engine/errors/game-error-code.ts).
   * @param message what the player is told.
   * @param options `cause`: the error behind it, logged by the lobby but never sent.
   * @throws TypeError for a code of another shape, one with a reserved prefix, or a message that
   *   is not a string (a bug in the game).
   */
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    const problem = gameErrorCodeProblem(code);
    if (problem) throw new TypeError(`GameError: ${problem}`);
    if (typeof message !== 'string') throw new TypeError(`GameError ${code}: message must be a string`);
    super(message, options);
  }
}
