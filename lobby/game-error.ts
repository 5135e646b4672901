/**
 * The error a game throws to answer a client with its own code: `throw new GameError(
 * 'SHOP_ERR_POOR', 'not enough gold')`. The client sees that code and message; any other error
 * reaches it only as a generic internal error.
 */

/** An error meant for the player: a code of the game's own and a message written for players. */
export class GameError extends Error {
  /** The game's code, e.g. `SHOP_ERR_POOR`. */
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'GameError';
    this.code = code;
  }
}
