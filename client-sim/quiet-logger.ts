/** A logger for client tools: errors and warnings to stderr, the rest dropped. */
import type { Logger } from '../engine/log/types.js';

/** Creates it. */
export function createQuietLogger(): Logger {
  const logger: Logger = {
    error: (message, meta) => console.error(message, meta ?? ''),
    warn: (message, meta) => console.error(message, meta ?? ''),
    info: () => undefined,
    debug: () => undefined,
    child: () => logger,
  };
  return logger;
}
