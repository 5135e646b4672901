/**
 * Turns a thrown value into a plain object a log line can carry: name, message, stack, `code`,
 * the `cause` chain and an AggregateError's `errors`, all bounded. Never throws, whatever it is
 * given (hostile getters, cyclic causes, non-Error throwables).
 */
import { types } from 'node:util';

/** A thrown value as a plain object. Other own enumerable fields of the error are copied as they are. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: unknown;
  /** The serialized cause when it is an Error, the raw value otherwise. */
  cause?: unknown;
  /** An AggregateError's first errors, serialized. */
  errors?: unknown[];
  [field: string]: unknown;
}

/** Limits for {@link serializeError}. */
export interface SerializeErrorLimits {
  /** How many `cause` / `errors` levels below the top error are expanded (default 5). */
  maxDepth?: number;
  /** How many entries of an AggregateError's `errors` are kept (default 10). */
  maxErrors?: number;
  /** How many extra own fields of an error are copied (default 20). */
  maxFields?: number;
}

const HANDLED_FIELDS = new Set(['name', 'message', 'stack', 'code', 'cause', 'errors']);

/**
 * True for a native Error from any realm (`instanceof` misses errors from other vm contexts).
 * Never throws, even for a Proxy whose prototype trap does.
 */
export function isError(value: unknown): value is Error {
  try {
    return types.isNativeError(value) || value instanceof Error;
  } catch {
    return false;
  }
}

/**
 * Serializes `value` for logging.
 *
 * An Error becomes `{ name, message, stack?, code?, cause?, errors?, ...own fields }`; a cause that
 * is itself an Error is expanded recursively up to `maxDepth`, a repeated one becomes `'[Circular]'`.
 * Anything else that was thrown becomes `{ name: 'NonError', message, value }`, where `message`
 * is the string form of a primitive or the `message` of an error-like object.
 *
 * @param value what was thrown (or logged as `err`).
 * @param limits bounds on the work done; see {@link SerializeErrorLimits}.
 * @returns a fresh plain object; its raw fields may still need a safe JSON encoder.
 */
export function serializeError(value: unknown, limits: SerializeErrorLimits = {}): SerializedError {
  const bounds = { maxDepth: limits.maxDepth ?? 5, maxErrors: limits.maxErrors ?? 10, maxFields: limits.maxFields ?? 20 };
  return isError(value) ? fromError(value, bounds, bounds.maxDepth, new Set()) : fromNonError(value);
}

function fromError(err: Error, bounds: Required<SerializeErrorLimits>, depth: number, seen: Set<unknown>): SerializedError {
  seen.add(err);
  const out: SerializedError = {
    name: read(() => String(err.name), 'Error'),
    message: read(() => String(err.message), ''),
  };
  const stack = read(() => err.stack, undefined);
  if (typeof stack === 'string') out.stack = stack;
  const code = read(() => (err as { code?: unknown }).code, undefined);
  if (code !== undefined) out.code = code;

  const cause = read(() => err.cause, undefined);
  if (cause !== undefined) out.cause = nested(cause, bounds, depth, seen);

  const errors = read(() => (err as { errors?: unknown }).errors, undefined);
  if (Array.isArray(errors)) {
    const kept = errors.slice(0, bounds.maxErrors).map((e) => nested(e, bounds, depth, seen));
    if (errors.length > bounds.maxErrors) kept.push(`[+${errors.length - bounds.maxErrors} more errors]`);
    out.errors = kept;
  }

  // Node's system errors put the useful detail (errno, syscall, path, port) in own fields.
  let copied = 0;
  for (const key of read(() => Object.keys(err), [] as string[])) {
    if (HANDLED_FIELDS.has(key)) continue;
    if (copied++ >= bounds.maxFields) break;
    out[key] = read(() => (err as unknown as Record<string, unknown>)[key], '[Thrown while reading]');
  }
  return out;
}

/** An Error found below the top one: expanded while depth lasts; other values stay raw. */
function nested(value: unknown, bounds: Required<SerializeErrorLimits>, depth: number, seen: Set<unknown>): unknown {
  if (!isError(value)) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth <= 0) return '[Depth exceeded]';
  return fromError(value, bounds, depth - 1, seen);
}

function fromNonError(value: unknown): SerializedError {
  let message: string;
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    message = read(() => String(value), '[Unprintable]');
  } else {
    // Libraries sometimes throw `{ message, code }` objects; keep their message readable.
    const inner = read(() => (value as { message?: unknown }).message, undefined);
    message = typeof inner === 'string' ? inner : `Non-error value thrown (${read(() => Object.prototype.toString.call(value), 'object')})`;
  }
  return { name: 'NonError', message, value };
}

/** Reads a property that may be a throwing getter, falling back instead of throwing. */
function read<T, F>(get: () => T, fallback: F): T | F {
  try {
    return get();
  } catch {
    return fallback;
  }
}
