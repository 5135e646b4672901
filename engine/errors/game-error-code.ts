/**
 * What a game's own error code may look like. A game answers its players with codes of its own
 * (`ARENA_ERR_COOLDOWN`); the engine's catalogues (`LOBBY_ERR_*`, `RPC_ERR_*`, `STORE_ERR_*`…)
 * are not the game's to send. The lobby lets only a `GameError` through to a client, and the gate
 * checks the shape again, so that an engine code can never reach a client posing as a game's.
 */

/** A game's code: an upper-case letter, then 2 to 63 upper-case letters, digits or underscores. */
export const GAME_ERROR_CODE = /^[A-Z][A-Z0-9_]{2,63}$/;

/**
 * Prefixes of the engine's error catalogues, and of those reserved for its future areas and for
 * Node's own error codes (`ERR_*`); no game code may start with one.
 */
export const RESERVED_ERROR_PREFIXES: readonly string[] = Object.freeze([
  'ADMIN_ERR_',
  'AUTH_ERR_',
  'BOT_ERR_',
  'CAPACITY_ERR_',
  'CLIENT_ERR_',
  'CODEC_ERR_',
  'CONFIG_ERR_',
  'DISCOVERY_ERR_',
  'ECS_ERR_',
  'ENGINE_ERR_',
  'ERR_',
  'GATE_ERR_',
  'HTTP_ERR_',
  'HUB_ERR_',
  'KCP_ERR_',
  'LOBBY_ERR_',
  'LOGIN_ERR_',
  'MATCH_ERR_',
  'MIGRATION_ERR_',
  'PROTOCOL_ERR_',
  'REMOTE_ERR_',
  'RPC_ERR_',
  'SCALING_ERR_',
  'SESSION_ERR_',
  'SPACE_ERR_',
  'STORE_ERR_',
  'SYNC_ERR_',
  'TESTKIT_ERR_',
  'TIMER_ERR_',
  'UPGRADE_ERR_',
]);

/** Why `code` cannot be a game's error code, or undefined when it can. */
export function gameErrorCodeProblem(code: unknown): string | undefined {
  if (typeof code !== 'string' || !GAME_ERROR_CODE.test(code)) return `${describe(code)} is not 3 to 64 of A-Z, 0-9 and _, starting with a letter`;
  const prefix = RESERVED_ERROR_PREFIXES.find((p) => code.startsWith(p));
  return prefix === undefined ? undefined : `${code} starts with ${prefix}, which the engine reserves`;
}

/** Whether `code` may be a game's error code (see {@link gameErrorCodeProblem}). */
export function isGameErrorCode(code: unknown): code is string {
  return gameErrorCodeProblem(code) === undefined;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : typeof value;
}
