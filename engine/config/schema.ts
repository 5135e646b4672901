/**
 * A tiny schema language for configuration, with static types:
 *
 * ```ts
 * const http = object({ host: string({ minLength: 1 }), port: number({ integer: true, min: 0, max: 65535 }) });
 * type Http = Infer<typeof http>; // { readonly host: string; readonly port: number }
 * ```
 *
 * Validation collects every issue with its key path instead of stopping at the first. Values from
 * environment variables, flags and `${ENV}` substitution arrive as strings, so a number or boolean
 * also accepts a string that is *entirely* a valid literal (`"4000"`, `"true"`); nothing else is
 * coerced. Objects reject unknown keys so that a typo is an error, not a silently ignored setting.
 */

import { isForbiddenKey, joinPath } from './path.js';

/** One thing wrong with a value. */
export interface SchemaIssue {
  /** Key path of the offending value, e.g. `store.mongodb.url` or `gate.listeners[1].port`; `''` for the root. */
  readonly path: string;
  /** What is wrong, naming what was expected and what was found. */
  readonly message: string;
}

/** The members every schema node has. */
interface SchemaBase<K extends string, T> {
  /** Which kind of node this is; lets callers walk a schema (e.g. to map `TESSERA_*` variables onto keys). */
  readonly kind: K;
  /** Phantom: the type of a valid value, for {@link Infer}. Never present at run time. */
  readonly _type: T;
  /** Checks `value` found at `path`, appending to `issues`; returns the coerced copy (meaningless if issues grew). */
  readonly check: (value: unknown, path: string, issues: SchemaIssue[]) => unknown;
}

/** A string; see {@link string}. */
export type StringSchema = SchemaBase<'string', string>;
/** A finite number; see {@link number}. */
export type NumberSchema = SchemaBase<'number', number>;
/** A boolean; see {@link boolean}. */
export type BooleanSchema = SchemaBase<'boolean', boolean>;
/** One of a fixed set of strings; see {@link oneOf}. */
export interface OneOfSchema<V extends string> extends SchemaBase<'oneOf', V> {
  readonly values: readonly V[];
}
/** An array of one item type; see {@link array}. */
export interface ArraySchema<I extends AnySchema> extends SchemaBase<'array', readonly Infer<I>[]> {
  readonly item: I;
}
/** An object with a fixed set of keys; see {@link object}. */
export interface ObjectSchema<S extends Shape> extends SchemaBase<'object', ObjectOf<S>> {
  readonly shape: S;
}
/** An object with free string keys and one value type; see {@link record}. */
export interface RecordSchema<V extends AnySchema> extends SchemaBase<'record', Readonly<Record<string, Infer<V>>>> {
  readonly value: V;
}
/** A key that may be left out; see {@link optional}. */
export interface OptionalSchema<I extends AnySchema> extends SchemaBase<'optional', Infer<I> | undefined> {
  readonly inner: I;
}

/** Any schema node; narrow it on `kind`. */
export type AnySchema =
  | StringSchema
  | NumberSchema
  | BooleanSchema
  | OneOfSchema<string>
  | ArraySchema<AnySchema>
  | ObjectSchema<Shape>
  | RecordSchema<AnySchema>
  | OptionalSchema<AnySchema>;

/** The keys of an {@link object} schema. */
export type Shape = { readonly [key: string]: AnySchema };

/** The type of a valid value for schema `S` (deeply readonly, as loaded config is frozen). */
export type Infer<S extends AnySchema> = S['_type'];

type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends OptionalSchema<AnySchema> ? K : never }[keyof S];
type ObjectOf<S extends Shape> = Simplify<
  { readonly [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & {
    readonly [K in OptionalKeys<S>]?: Infer<S[K]>;
  }
>;
// Flattens the intersection so that editors show one plain object type.
type Simplify<T> = { [K in keyof T]: T[K] } & {};

// The phantom `_type` exists only in the type system; this is the one place that says so.
function node<S extends AnySchema>(spec: Omit<S, '_type'>): S {
  return spec as S;
}

// ---------------------------------------------------------------------------------------------
// Scalars

/**
 * A string.
 * @param options.minLength fewest characters allowed (default: no limit).
 * @param options.pattern a regular expression the whole value must match; its `g`/`y` flags are dropped.
 */
export function string(options: { minLength?: number; pattern?: RegExp } = {}): StringSchema {
  const { minLength } = options;
  // `test` on a global or sticky regexp is stateful (lastIndex), which would make validation flaky.
  const pattern = options.pattern && new RegExp(options.pattern.source, options.pattern.flags.replace(/[gy]/g, ''));
  return node<StringSchema>({
    kind: 'string',
    check(value, path, issues) {
      if (typeof value !== 'string') return fail(issues, path, 'a string', value);
      if (minLength !== undefined && value.length < minLength) {
        return fail(issues, path, `a string of at least ${minLength} character${minLength === 1 ? '' : 's'}`, value);
      }
      if (pattern && !pattern.test(value)) return fail(issues, path, `a string matching ${pattern}`, value);
      return value;
    },
  });
}

// A whole-string decimal literal: what JSON allows, plus a leading '+' and a bare '.5'.
const NUMBER_LITERAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A finite number. A string that is entirely a decimal literal (`"4000"`, `"-1.5e3"`) is converted.
 * @param options.min smallest value allowed (inclusive; default: none).
 * @param options.max largest value allowed (inclusive; default: none).
 * @param options.integer whether only whole numbers are allowed (default: false).
 */
export function number(options: { min?: number; max?: number; integer?: boolean } = {}): NumberSchema {
  const { min, max, integer = false } = options;
  const what = integer ? 'an integer' : 'a number';
  const expected =
    min !== undefined && max !== undefined
      ? `${what} from ${min} to ${max}`
      : min !== undefined
        ? `${what} >= ${min}`
        : max !== undefined
          ? `${what} <= ${max}`
          : what;
  return node<NumberSchema>({
    kind: 'number',
    check(value, path, issues) {
      const n = typeof value === 'string' && NUMBER_LITERAL.test(value) ? Number(value) : value;
      const ok =
        typeof n === 'number' &&
        Number.isFinite(n) &&
        (!integer || Number.isInteger(n)) &&
        (min === undefined || n >= min) &&
        (max === undefined || n <= max);
      return ok ? n : fail(issues, path, expected, value);
    },
  });
}

/** A boolean. The strings `"true"` and `"false"` (exactly) are converted. */
export function boolean(): BooleanSchema {
  return node<BooleanSchema>({
    kind: 'boolean',
    check(value, path, issues) {
      if (typeof value === 'boolean') return value;
      if (value === 'true') return true;
      if (value === 'false') return false;
      return fail(issues, path, 'true or false', value);
    },
  });
}

/**
 * One of a fixed set of strings; the type is their union.
 * @param values the allowed strings; pass them `as const` to get a literal union type.
 */
export function oneOf<const V extends string>(values: readonly V[]): OneOfSchema<V> {
  const allowed: ReadonlySet<unknown> = new Set(values);
  const expected = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return node<OneOfSchema<V>>({
    kind: 'oneOf',
    values,
    check: (value, path, issues) => (allowed.has(value) ? value : fail(issues, path, expected, value)),
  });
}

// ---------------------------------------------------------------------------------------------
// Containers

/**
 * An array whose items all match `item`.
 * @param options.maxItems most items allowed (default: no limit).
 */
export function array<I extends AnySchema>(item: I, options: { maxItems?: number } = {}): ArraySchema<I> {
  const { maxItems } = options;
  return node<ArraySchema<I>>({
    kind: 'array',
    item,
    check(value, path, issues) {
      if (!Array.isArray(value)) return fail(issues, path, 'an array', value);
      if (maxItems !== undefined && value.length > maxItems) {
        issues.push({ path, message: `expected at most ${maxItems} items, got ${value.length}` });
        return undefined;
      }
      return value.map((v, i) => item.check(v, joinPath(path, i), issues));
    },
  });
}

/**
 * An object with exactly the keys in `shape`: a missing required key and an unknown key are both
 * issues, so that a misspelt setting is caught instead of silently ignored. Wrap a key's schema in
 * {@link optional} to allow leaving it out.
 */
export function object<const S extends Shape>(shape: S): ObjectSchema<S> {
  const known = Object.keys(shape);
  return node<ObjectSchema<S>>({
    kind: 'object',
    shape,
    check(value, path, issues) {
      if (!isPlainObject(value)) return fail(issues, path, 'an object', value);
      for (const key of Object.keys(value)) {
        if (!Object.hasOwn(shape, key)) {
          issues.push({ path: joinPath(path, key), message: `unknown key; expected one of: ${known.join(', ')}` });
        }
      }
      const out: Record<string, unknown> = {};
      for (const key of known) {
        const schema = shape[key]!;
        const v = Object.hasOwn(value, key) ? value[key] : undefined;
        if (v === undefined) {
          if (schema.kind !== 'optional') issues.push({ path: joinPath(path, key), message: 'missing required key' });
          continue;
        }
        out[key] = schema.check(v, joinPath(path, key), issues);
      }
      return out;
    },
  });
}

/** An object with any string keys (except `__proto__`, `constructor`, `prototype`) whose values all match `value`. */
export function record<V extends AnySchema>(value: V): RecordSchema<V> {
  return node<RecordSchema<V>>({
    kind: 'record',
    value,
    check(input, path, issues) {
      if (!isPlainObject(input)) return fail(issues, path, 'an object', input);
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(input)) {
        if (isForbiddenKey(key)) issues.push({ path: joinPath(path, key), message: 'forbidden key' });
        else out[key] = value.check(v, joinPath(path, key), issues);
      }
      return out;
    },
  });
}

/** Makes an {@link object} key optional: it may be absent (or `undefined`); when present it must match `inner`. */
export function optional<I extends AnySchema>(inner: I): OptionalSchema<I> {
  return node<OptionalSchema<I>>({
    kind: 'optional',
    inner,
    check: (value, path, issues) => (value === undefined ? undefined : inner.check(value, path, issues)),
  });
}

// ---------------------------------------------------------------------------------------------
// Running a schema

/** The outcome of {@link validate}: the coerced value, or every issue found. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: SchemaIssue[] };

/**
 * Checks `value` against `schema`, collecting every issue. The returned value is a fresh copy with
 * string literals coerced to numbers and booleans where the schema asks for them; the input is not
 * modified.
 */
export function validate<S extends AnySchema>(schema: S, value: unknown): ValidationResult<Infer<S>> {
  const issues: SchemaIssue[] = [];
  const out = schema.check(value, '', issues);
  return issues.length ? { ok: false, issues } : { ok: true, value: out as Infer<S> };
}

/** Whether `value` is a plain object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Shows a value in an error message, shortening long strings. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return value === null ? 'null' : 'an object';
  if (typeof value !== 'string') return String(value);
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

function fail(issues: SchemaIssue[], path: string, expected: string, got: unknown): undefined {
  issues.push({ path, message: `expected ${expected}, got ${describeValue(got)}` });
  return undefined;
}
