/**
 * The logger of a test server: prints nothing and keeps the latest lines, with the server id and
 * the context of every line, so that a test can assert on what the server logged.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RootLogger } from '../engine/log/create-logger.js';
import { LOG_LEVELS, type LogContext, type Logger, type LogLevel, type LogMeta } from '../engine/log/types.js';

/** One line a test server logged. */
export interface LogLine {
  level: LogLevel;
  message: string;
  /** The server id, the logger's context (`component`, `entityId`, …) and the line's own fields. */
  meta: Record<string, unknown>;
}

type Fields = Readonly<Record<string, unknown>>;

const SEVERITY: Readonly<Record<LogLevel, number>> = { error: 0, warn: 1, info: 2, debug: 3 };

/** State shared by the root and all its children. */
class LineStore {
  readonly lines: LogLine[] = [];
  readonly context = new AsyncLocalStorage<Fields>();
  serverId: string;
  threshold = SEVERITY.debug;
  closed = false;
  dropped = 0;

  constructor(
    serverId: string,
    readonly maxLines: number,
  ) {
    this.serverId = serverId;
  }

  add(level: LogLevel, message: string, fields: Fields, meta: LogMeta | undefined): void {
    if (this.closed || SEVERITY[level] > this.threshold) return;
    // The oldest lines go first: a long test keeps what happened last.
    if (this.lines.length >= this.maxLines) {
      this.lines.shift();
      this.dropped++;
    }
    this.lines.push({ level, message, meta: { serverId: this.serverId, ...this.context.getStore(), ...fields, ...meta } });
  }
}

class TestLogger implements Logger {
  constructor(
    protected readonly store: LineStore,
    private readonly fields: Fields,
  ) {}

  error(message: string, meta?: LogMeta): void {
    this.store.add('error', message, this.fields, meta);
  }
  warn(message: string, meta?: LogMeta): void {
    this.store.add('warn', message, this.fields, meta);
  }
  info(message: string, meta?: LogMeta): void {
    this.store.add('info', message, this.fields, meta);
  }
  debug(message: string, meta?: LogMeta): void {
    this.store.add('debug', message, this.fields, meta);
  }
  child(context: LogContext & Record<string, unknown>): Logger {
    return new TestLogger(this.store, { ...this.fields, ...context });
  }
}

/** A {@link RootLogger} that keeps its lines in memory; read them with {@link TestRootLogger.lines}. */
export class TestRootLogger extends TestLogger implements RootLogger {
  /**
   * @param serverId printed in every line's meta until {@link setServerId}.
   * @param maxLines lines kept at most (default 10,000); older ones are dropped first.
   */
  constructor(serverId: string, maxLines = 10_000) {
    super(new LineStore(serverId, maxLines), {});
  }

  /** The lines kept, oldest first (the live list: copy it to keep a snapshot). */
  get lines(): readonly LogLine[] {
    return this.store.lines;
  }

  runWithLogContext<T>(context: LogContext & Record<string, unknown>, fn: () => T): T {
    return this.store.context.run({ ...this.store.context.getStore(), ...context }, fn);
  }

  currentLogContext(): Readonly<LogContext & Record<string, unknown>> | undefined {
    return this.store.context.getStore();
  }

  setServerId(serverId: string): void {
    this.store.serverId = serverId;
  }

  setLevel(level: LogLevel): void {
    if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new RangeError(`unknown log level ${JSON.stringify(level)}; expected one of ${LOG_LEVELS.join(', ')}`);
    this.store.threshold = SEVERITY[level];
  }

  stats(): { droppedLines: number } {
    return { droppedLines: this.store.dropped };
  }

  async close(): Promise<void> {
    this.store.closed = true;
  }
}
