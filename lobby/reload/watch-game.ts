/**
 * Development's reload on save (`lobby.watch`, `npm run dev`): watches the game's folder and
 * reloads once its files have been quiet for a moment, so that an editor's burst of writes makes
 * one reload.
 */
import { watch } from 'node:fs';
import type { Logger } from '../../engine/log/types.js';
import type { Clock, ClockTimer } from '../../engine/timer/clock.js';

/** Quiet time after the last change before the reload, in ms. */
export const WATCH_DEBOUNCE_MS = 200;

/** Options for {@link watchGame}. */
export interface WatchGameOptions {
  /** The game's folder. */
  root: string;
  /** Runs the reload; what it answers is logged by the reloader. */
  reload: () => Promise<unknown>;
  clock: Clock;
  logger: Logger;
  /** Quiet time in ms (default {@link WATCH_DEBOUNCE_MS}). */
  debounceMs?: number;
}

/**
 * Watches `root` recursively (sources: `.ts`, `.js`, `.mjs`, `.json`).
 * @returns a function that stops watching.
 */
export function watchGame(options: WatchGameOptions): () => void {
  const { clock, logger } = options;
  let timer: ClockTimer | undefined;
  const watcher = watch(options.root, { recursive: true }, (_event, file) => {
    if (file !== null && !/\.(?:[cm]?[jt]s|json)$/.test(String(file))) return;
    if (timer) clock.clearTimer(timer);
    timer = clock.setTimer(() => {
      timer = undefined;
      void options.reload();
    }, options.debounceMs ?? WATCH_DEBOUNCE_MS);
  });
  watcher.on('error', (err) => logger.error('game watch failed; reload by signal or admin API', { err, root: options.root }));
  logger.info('watching the game for changes', { root: options.root });
  return () => {
    if (timer) clock.clearTimer(timer);
    watcher.close();
  };
}
