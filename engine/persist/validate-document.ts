import { StoreError } from './errors.js';
import type { DocumentData } from './store.js';

/** Limits applied to every document before it reaches a backend. */
export interface DocumentLimits {
  /** Largest encoded size, estimated as BSON would count it (default 4 MiB; MongoDB's hard cap is 16 MiB). */
  maxBytes: number;
  /** Deepest nesting of objects and arrays (default 32). */
  maxDepth: number;
}

/** The defaults for {@link DocumentLimits}. */
export const DEFAULT_DOCUMENT_LIMITS: DocumentLimits = { maxBytes: 4 * 1024 * 1024, maxDepth: 32 };

/** Top-level names the backends keep for themselves (id, version, write token, owner epoch). */
export const RESERVED_FIELDS = new Set(['_id', '_v', '_w', '_e']);

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

class Walk {
  bytes = 0;
  private readonly ancestors = new Set<object>();

  constructor(
    private readonly limits: DocumentLimits,
    private readonly where: string,
  ) {}

  fail(path: string, problem: string): never {
    throw new StoreError('STORE_ERR_INVALID_DOCUMENT', `${this.where}: ${path}: ${problem}`);
  }

  value(v: unknown, path: string, depth: number): void {
    // Sizes follow BSON: a type byte and a key per element are counted by the caller.
    switch (typeof v) {
      case 'string':
        this.bytes += 5 + Buffer.byteLength(v);
        break;
      case 'number':
      case 'boolean':
        this.bytes += 8;
        break;
      case 'undefined':
        this.fail(path, 'undefined cannot be stored; use null or leave the field out');
      case 'bigint':
        this.fail(path, 'bigint cannot be stored; convert it to a number or a string');
      case 'function':
        this.fail(path, 'functions cannot be stored');
      case 'symbol':
        this.fail(path, 'symbols cannot be stored');
      case 'object':
        this.object(v, path, depth);
    }
    if (this.bytes > this.limits.maxBytes) {
      this.fail(path, `document is larger than the ${this.limits.maxBytes}-byte limit`);
    }
  }

  private object(v: object | null, path: string, depth: number): void {
    if (v === null) return;
    if (v instanceof Date) {
      if (Number.isNaN(v.getTime())) this.fail(path, 'invalid Date');
      this.bytes += 8;
      return;
    }
    if (v instanceof Uint8Array) {
      this.bytes += 5 + v.byteLength;
      return;
    }
    if (depth >= this.limits.maxDepth) this.fail(path, `nested deeper than ${this.limits.maxDepth} levels`);
    if (this.ancestors.has(v)) this.fail(path, 'cyclic reference');
    this.ancestors.add(v);
    if (Array.isArray(v)) {
      this.bytes += 5;
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) this.fail(`${path}[${i}]`, 'sparse arrays cannot be stored');
        this.bytes += 2 + String(i).length;
        this.value(v[i], `${path}[${i}]`, depth + 1);
      }
    } else {
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        const name = (v as { constructor?: { name?: string } }).constructor?.name ?? 'object';
        this.fail(path, `${name} instances cannot be stored; use plain objects and arrays`);
      }
      this.bytes += 5;
      for (const key of Object.keys(v)) {
        this.key(key, path);
        this.bytes += 2 + Buffer.byteLength(key);
        this.value((v as Record<string, unknown>)[key], path === '' ? key : `${path}.${key}`, depth + 1);
      }
    }
    this.ancestors.delete(v);
  }

  private key(key: string, path: string): void {
    const at = path === '' ? key : `${path}.${key}`;
    if (key.length === 0) this.fail(at || '(root)', 'empty keys cannot be stored');
    if (key.startsWith('$')) this.fail(at, "keys cannot start with '$'");
    if (key.includes('.')) this.fail(at, "keys cannot contain '.'");
    if (key.includes('\0')) this.fail(at, 'keys cannot contain NUL');
    if (FORBIDDEN_KEYS.has(key)) this.fail(at, `the key '${key}' is refused`);
  }
}

/**
 * Checks that `data` can be stored by every backend, so that an invalid document is refused before
 * anything is written.
 * @param where names the document in errors, e.g. `avatars/42`.
 * @returns the estimated encoded size in bytes.
 * @throws StoreError STORE_ERR_INVALID_DOCUMENT naming the offending path and the problem.
 */
export function validateDocument(data: DocumentData, limits: DocumentLimits, where: string): number {
  const walk = new Walk(limits, where);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    walk.fail('(root)', 'a document must be a plain object');
  }
  for (const key of Object.keys(data)) {
    if (RESERVED_FIELDS.has(key)) walk.fail(key, `'${key}' is reserved by the store`);
  }
  walk.value(data, '', 0);
  return walk.bytes;
}
