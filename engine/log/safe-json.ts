/**
 * A JSON encoder for log meta that never throws and never produces a huge line: cycles become
 * `"[Circular]"`, BigInts strings, Errors {@link serializeError} objects, and every string, object,
 * array, nesting level and the whole output have caps. The output is always valid JSON.
 */
import { isError, serializeError } from './serialize-error.js';

/** Caps for {@link safeJsonStringify}. Lengths are in UTF-16 code units, close to bytes for ASCII. */
export interface SafeJsonLimits {
  /** Soft cap on the output length (default 16,384); past it, remaining entries become a marker. */
  maxLength?: number;
  /** Objects nested deeper than this become `"[Object]"` / `"[Array]"` (default 8). */
  maxDepth?: number;
  /** Longer strings are cut and marked with the number of characters left out (default 8,192). */
  maxStringLength?: number;
  /** Entries kept per object, array, Map or Set (default 200). */
  maxEntries?: number;
}

/** A string written when the budget is nearly spent still shows this much of itself. */
const MIN_STRING_ROOM = 64;

/**
 * Encodes `value` as JSON within the given limits.
 *
 * @param value anything; `undefined` at the top encodes as `null`, in objects its key is left out.
 * @param limits see {@link SafeJsonLimits}.
 * @returns valid JSON; it runs past `maxLength` by at most one short string (64 characters plus a
 *   marker) and one truncation marker and closing bracket per open nesting level.
 */
export function safeJsonStringify(value: unknown, limits: SafeJsonLimits = {}): string {
  const encoder = new BoundedJsonEncoder({
    maxLength: limits.maxLength ?? 16_384,
    maxDepth: limits.maxDepth ?? 8,
    maxStringLength: limits.maxStringLength ?? 8_192,
    maxEntries: limits.maxEntries ?? 200,
  });
  try {
    encoder.value(value, 0);
    return encoder.result();
  } catch {
    // Only exotic values get here (a Proxy whose traps throw); the partial output is not valid JSON.
    return '"[Unserializable]"';
  }
}

class BoundedJsonEncoder {
  private readonly parts: string[] = [];
  private length = 0;
  /** The objects on the path from the root to the current value: seeing one again is a cycle. */
  private readonly ancestors = new Set<object>();

  constructor(private readonly limits: Required<SafeJsonLimits>) {}

  result(): string {
    return this.parts.join('');
  }

  value(v: unknown, depth: number): void {
    switch (typeof v) {
      case 'string':
        return this.string(v);
      case 'number':
        // NaN and Infinity are not JSON; as strings they keep their meaning.
        return Number.isFinite(v) ? this.raw(String(v)) : this.string(String(v));
      case 'bigint':
        return this.string(v.toString());
      case 'boolean':
        return this.raw(v ? 'true' : 'false');
      case 'undefined':
        return this.raw('null');
      case 'symbol':
        return this.string(v.toString());
      case 'function':
        return this.string(`[Function ${v.name || 'anonymous'}]`);
    }
    if (v === null) return this.raw('null');
    this.object(v as object, depth);
  }

  private object(obj: object, depth: number): void {
    if (this.ancestors.has(obj)) return this.string('[Circular]');
    if (depth >= this.limits.maxDepth) return this.string(Array.isArray(obj) ? '[Array]' : '[Object]');
    if (obj instanceof Date) return this.string(Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString());
    // Buffer.toJSON would spell every byte out; the size is what a log reader needs.
    if (ArrayBuffer.isView(obj)) return this.string(`[${obj.constructor.name} ${obj.byteLength} bytes]`);
    if (obj instanceof ArrayBuffer) return this.string(`[ArrayBuffer ${obj.byteLength} bytes]`);

    this.ancestors.add(obj);
    try {
      if (isError(obj)) this.value(serializeError(obj), depth);
      else if (Array.isArray(obj)) this.list(obj, depth);
      else if (obj instanceof Set) this.list([...obj], depth);
      else if (obj instanceof Map) this.map(obj, depth);
      else if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') this.toJson(obj as { toJSON(): unknown }, depth);
      else this.plain(obj as Record<string, unknown>, depth);
    } finally {
      this.ancestors.delete(obj);
    }
  }

  private map(map: Map<unknown, unknown>, depth: number): void {
    const entries = [...map];
    this.entries(entries.map(([k]) => (typeof k === 'string' ? k : describe(k))), (i) => entries[i]?.[1], depth);
  }

  private toJson(obj: { toJSON(): unknown }, depth: number): void {
    let replaced: unknown;
    try {
      replaced = obj.toJSON();
    } catch (err) {
      return this.string(`[toJSON threw: ${describe(err)}]`);
    }
    this.value(replaced, depth + 1);
  }

  private plain(obj: Record<string, unknown>, depth: number): void {
    const keys = Object.keys(obj);
    this.entries(keys, (i) => {
      try {
        return obj[keys[i] ?? ''];
      } catch (err) {
        return `[Thrown while reading: ${describe(err)}]`;
      }
    }, depth);
  }

  private entries(keys: readonly string[], valueAt: (i: number) => unknown, depth: number): void {
    this.raw('{');
    let written = 0;
    for (let i = 0; i < keys.length; i++) {
      if (written >= this.limits.maxEntries || this.length >= this.limits.maxLength) {
        if (written > 0) this.raw(',');
        this.raw(`"…":"[+${keys.length - i} more keys]"`);
        break;
      }
      const v = valueAt(i);
      // Like JSON.stringify: a key whose value has no JSON form is left out.
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      if (written++ > 0) this.raw(',');
      this.string(keys[i] ?? '');
      this.raw(':');
      this.value(v, depth + 1);
    }
    this.raw('}');
  }

  private list(items: readonly unknown[], depth: number): void {
    this.raw('[');
    for (let i = 0; i < items.length; i++) {
      if (i > 0) this.raw(',');
      if (i >= this.limits.maxEntries || this.length >= this.limits.maxLength) {
        this.raw(`"[+${items.length - i} more items]"`);
        break;
      }
      this.value(items[i], depth + 1);
    }
    this.raw(']');
  }

  private string(s: string): void {
    // Near the end of the budget a string still shows its start, so the line stays informative.
    const room = Math.min(this.limits.maxStringLength, Math.max(MIN_STRING_ROOM, this.limits.maxLength - this.length));
    const text = s.length > room ? `${s.slice(0, room)}…[+${s.length - room} chars]` : s;
    this.raw(JSON.stringify(text));
  }

  private raw(s: string): void {
    this.parts.push(s);
    this.length += s.length;
  }
}

function describe(err: unknown): string {
  try {
    return isError(err) ? err.message : String(err);
  } catch {
    return 'unprintable';
  }
}
