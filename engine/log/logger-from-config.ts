import type { Config } from '../config/config-schema.js';
import type { Clock } from '../timer/clock.js';
import type { LoggerOptions } from './create-logger.js';

/** Maps the `log` section of the configuration to {@link LoggerOptions} for one server. */
export function loggerOptionsFromConfig(log: Config['log'], serverId: string, clock: Clock): LoggerOptions {
  const { file } = log;
  return {
    serverId,
    clock,
    level: log.level,
    console: log.console.enabled ? { colors: log.console.colors } : false,
    ...(file.enabled
      ? {
          file: {
            dir: file.dir,
            ...(file.basename ? { basename: file.basename } : {}),
            maxFileBytes: file.maxFileBytes,
            maxDays: file.maxDays,
            maxFiles: file.maxFiles,
            maxTotalBytes: file.maxTotalBytes,
            maxBufferedBytes: file.maxBufferedBytes,
          },
        }
      : {}),
  };
}
