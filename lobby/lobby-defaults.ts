/**
 * Every default of the lobby's session host, in one place (style rule 14). Client arguments are
 * untrusted bytes, so their decode limits are far tighter than the server-to-server ones.
 */
import type { CodecLimits } from '../engine/codec/limits.js';

/** Caps on the msgpack arguments of one client request, checked before anything is decoded. */
export const CLIENT_ARGS_LIMITS: Readonly<CodecLimits> = Object.freeze({
  maxFrameBytes: 64 * 1024,
  maxDepth: 16,
  maxStringBytes: 32 * 1024,
  maxBinaryBytes: 64 * 1024,
  maxArrayLength: 4_096,
  maxMapLength: 4_096,
});

/** The session host's numeric settings (see SessionHostOptions in session-host.ts). */
export interface LobbySettings {
  /** Requests of one session waiting or running; past it: LOBBY_ERR_QUEUE_FULL. */
  maxQueuedPerSession: number;
  /** Requests without a session (routes that pass before login) running at once. */
  maxUnauthenticatedInFlight: number;
  /** Longest uid, session id and gate id, in UTF-8 bytes: the avatar's store id is built from the uid. */
  maxUidBytes: number;
  /** Longest route, in characters. */
  maxRouteLength: number;
  /** How long `close`, a session takeover and `drain` wait for a session's running request before going on. */
  settleWaitMs: number;
  /** Attempts at saving one avatar at once (`close`, a new avatar) before giving up. */
  saveAttempts: number;
  /** Wait before the second attempt at an immediate save; doubled before each next one (up to 32 times it). */
  saveRetryMs: number;
  /**
   * How long a request that made a critical change waits for its save before it is answered
   * LOBBY_ERR_STORE (the change is kept and saved later). Below the gate's `lobbyTimeoutMs`, so
   * that in a store outage the player hears why, and the session's next requests are not held
   * behind a save that waits out the store's retries.
   */
  criticalWaitMs: number;
  /** Period of the host's own flush of dirty entities; 0: the composition root calls `flushDirty()` itself. */
  flushIntervalMs: number;
  /** How long a bind waits for another lobby's claim on the avatar to end; past it: LOBBY_ERR_AVATAR_BUSY. 0: no wait. */
  claimWaitMs: number;
  /** Time between two tries at another lobby's claim while a bind waits. */
  claimRetryMs: number;
}

/** Settings of live entity migration (entity-migration.ts, migration-records.ts). */
export interface MigrationSettings {
  /**
   * Deadline of the call that asks the target lobby to take an entity in (`migration.accept`); as
   * the gate's `lobbyTimeoutMs`, since for a player it is the new lobby's bind (the gate allows the
   * old lobby's `migrate` twice that).
   */
  acceptTimeoutMs: number;
  /** How long a lobby remembers where an entity that left it went, redirecting calls to its old mailbox. */
  forwardMs: number;
  /** Such records a lobby keeps at most (the oldest are forgotten first). */
  maxForwards: number;
}

/** Defaults for {@link MigrationSettings}. */
export const MIGRATION_DEFAULTS: Readonly<MigrationSettings> = Object.freeze({
  acceptTimeoutMs: 5_000,
  forwardMs: 300_000,
  maxForwards: 100_000,
});

/** Registered entity type of avatars, unless the host is told otherwise. */
export const DEFAULT_AVATAR_TYPE = 'Avatar';

/** Defaults for the optional {@link LobbySettings}. */
export const LOBBY_DEFAULTS: Readonly<LobbySettings> = Object.freeze({
  maxQueuedPerSession: 64,
  maxUnauthenticatedInFlight: 1_024,
  maxUidBytes: 128,
  maxRouteLength: 128,
  settleWaitMs: 10_000,
  saveAttempts: 5,
  saveRetryMs: 100,
  criticalWaitMs: 2_000,
  flushIntervalMs: 0,
  claimWaitMs: 5_000,
  claimRetryMs: 250,
});

/**
 * The settings: `overrides` over {@link LOBBY_DEFAULTS}, checked once and frozen.
 * @throws RangeError for a value that is not an integer in range (a configuration bug).
 */
export function lobbySettings(overrides: Partial<LobbySettings>): Readonly<LobbySettings> {
  const settings: LobbySettings = { ...LOBBY_DEFAULTS };
  for (const key of Object.keys(LOBBY_DEFAULTS) as (keyof LobbySettings)[]) {
    const value = overrides[key];
    if (value === undefined) continue;
    const least = key === 'settleWaitMs' || key === 'flushIntervalMs' || key === 'claimWaitMs' || key === 'saveRetryMs' ? 0 : 1;
    if (!Number.isInteger(value) || value < least) throw new RangeError(`lobby settings: ${key} must be an integer >= ${least}, got ${value}`);
    settings[key] = value;
  }
  return Object.freeze(settings);
}
