/**
 * Runs a player entity's hook (`onOnline`, `onRebound`, `onOffline`) for the session binder. A
 * hook runs in the entity's queue (entity-queue.ts), after the work queued before it, so it never
 * interleaves with the entity's requests, server calls or timers. A hook is game code: what it
 * throws is logged with the entity id and the bind or close goes on, and one that never settles
 * is waited for `maxWaitMs` at most, so a player can always log in again and an avatar is always
 * saved.
 */
import type { Logger } from '../engine/log/types.js';
import type { Clock, ClockTimer } from '../engine/timer/clock.js';
import type { PlayerEntity } from './player-entity.js';

/** A hook of {@link PlayerEntity}. */
export type PlayerHook = 'onOnline' | 'onRebound' | 'onOffline';

/** What {@link runPlayerHook} needs. */
export interface PlayerHookContext {
  clock: Clock;
  logger: Logger;
  /** Longest wait for a hook that returned a promise. */
  maxWaitMs: number;
  /** The session the hook is about, for the log. */
  sessionId: string;
}

/**
 * Calls `player[hook](...args)` in the entity's queue and waits for it to settle, `maxWaitMs` at
 * most (the wait counts the work queued before it).
 * Never throws: a hook that throws or rejects is logged at error, one still running after the
 * wait at warn.
 */
export async function runPlayerHook(player: PlayerEntity, hook: PlayerHook, args: readonly string[], context: PlayerHookContext): Promise<void> {
  const { clock, logger, maxWaitMs, sessionId } = context;
  const meta = player.alive ? { entityId: player.id, type: player.typeName, sessionId, hook } : { sessionId, hook };
  const failed = (err: unknown): 'done' => {
    logger.error(`lobby: ${hook} threw`, { ...meta, err });
    return 'done';
  };
  const method = player[hook] as (this: PlayerEntity, ...a: readonly string[]) => void | Promise<void>;
  // An entity that left the world before the hook's turn (lost to another owner) is not called.
  const running = player.queue.after(() => (player.alive ? method.call(player, ...args) : undefined)).then((): 'done' => 'done', failed);
  let timer: ClockTimer | undefined;
  const late = new Promise<'late'>((resolve) => (timer = clock.setTimer(() => resolve('late'), maxWaitMs)));
  const outcome = await Promise.race([running, late]);
  clock.clearTimer(timer!);
  if (outcome === 'late') logger.warn(`lobby: ${hook} still running after ${maxWaitMs} ms; going on`, meta);
}
