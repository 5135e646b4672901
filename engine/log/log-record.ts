/**
 * One log call, resolved: who logged it, when, and every field it carries. Formats turn a record
 * into a console or file line; building one never throws.
 */
import type { LogLevel } from './types.js';

/** A log call with its context layers merged. */
export interface LogRecord {
  /** Epoch milliseconds from the logger's clock. */
  time: number;
  level: LogLevel;
  serverId: string;
  message: string;
  /** Context and meta merged (sessionId, entityId, traceId, spanId, err and any other field). */
  fields: Readonly<Record<string, unknown>>;
}

/** The context fields that every format prints in a fixed place, in this order. */
export const CONTEXT_KEYS = ['sessionId', 'entityId', 'traceId', 'spanId', 'traceFlags'] as const;

/**
 * Merges context layers, later layers winning; `undefined` values never hide an earlier value, so
 * `{ traceId: undefined }` in meta keeps the trace id from the context.
 *
 * @param layers objects to merge, lowest precedence first; `undefined` layers are skipped.
 * @returns a fresh object without a prototype, so a `__proto__` key is kept as data.
 * @throws whatever a layer's getter or Proxy trap throws; callers that must not throw catch it.
 */
export function mergeFields(...layers: ReadonlyArray<Readonly<Record<string, unknown>> | undefined>): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const layer of layers) {
    if (!layer) continue;
    for (const key of Object.keys(layer)) {
      const value = layer[key];
      if (value !== undefined) out[key] = value;
    }
  }
  return out;
}
