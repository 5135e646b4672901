import type { LogContext, Logger, LogLevel, LogMeta } from '../log/types.js';

/** One line captured by {@link MemoryLogger}. */
export interface CapturedLine {
  level: LogLevel;
  message: string;
  meta: LogMeta;
}

/** A {@link Logger} for tests: keeps every line (children share the parent's list) so tests can assert on them. */
export class MemoryLogger implements Logger {
  /**
   * @param lines where lines go; children pass their parent's.
   * @param context merged into every line's meta.
   */
  constructor(
    readonly lines: CapturedLine[] = [],
    private readonly context: LogContext & Record<string, unknown> = {},
  ) {}

  error(message: string, meta?: LogMeta): void {
    this.push('error', message, meta);
  }
  warn(message: string, meta?: LogMeta): void {
    this.push('warn', message, meta);
  }
  info(message: string, meta?: LogMeta): void {
    this.push('info', message, meta);
  }
  debug(message: string, meta?: LogMeta): void {
    this.push('debug', message, meta);
  }

  child(context: LogContext & Record<string, unknown>): Logger {
    return new MemoryLogger(this.lines, { ...this.context, ...context });
  }

  /** The captured lines at `level`. */
  at(level: LogLevel): CapturedLine[] {
    return this.lines.filter((l) => l.level === level);
  }

  private push(level: LogLevel, message: string, meta: LogMeta | undefined): void {
    this.lines.push({ level, message, meta: { ...this.context, ...meta } });
  }
}
