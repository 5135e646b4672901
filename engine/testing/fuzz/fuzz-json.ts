/**
 * How a fuzz input is written to a failure file and read back: JSON, with what JSON cannot hold
 * written as one-key objects. Byte arrays are `{ "$bytes": "<base64>" }`; numbers JSON has no
 * literal for (NaN, ±Infinity, -0) are `{ "$number": "NaN" }`; `undefined` is `{ "$undefined": true }`.
 * Reading a file back gives a value equal to the one that failed, so the failure replays exactly.
 */

/** A value as it is written to a failure file. */
export type FuzzJson = null | boolean | number | string | FuzzJson[] | { [key: string]: FuzzJson };

const SPECIAL_NUMBERS: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY, '-0': -0 };

/**
 * Converts a fuzz input to its JSON form. Objects with no prototype read back as plain objects.
 * @throws TypeError for a value that has no JSON form here (a function, a symbol, a bigint, a
 *   class instance other than Uint8Array, an object with a key starting with `$`).
 */
export function toFuzzJson(value: unknown): FuzzJson {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (value === undefined) return { $undefined: true };
  if (typeof value === 'number') {
    if (Object.is(value, -0)) return { $number: '-0' };
    return Number.isFinite(value) ? value : { $number: String(value) };
  }
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map(toFuzzJson);
  if (typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    const out: Record<string, FuzzJson> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key.startsWith('$')) throw new TypeError(`fuzz input: key ${JSON.stringify(key)} would read back as a special value`);
      Object.defineProperty(out, key, { value: toFuzzJson(item), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  throw new TypeError(`fuzz input: a ${typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value} has no JSON form`);
}

/**
 * Converts the JSON form back to the input.
 * @throws TypeError for a `$` object that is not one of the forms above.
 */
export function fromFuzzJson(json: FuzzJson): unknown {
  if (json === null || typeof json !== 'object') return json;
  if (Array.isArray(json)) return json.map(fromFuzzJson);
  const keys = Object.keys(json);
  if (keys.length === 1 && keys[0]!.startsWith('$')) {
    const [key, item] = [keys[0]!, json[keys[0]!]];
    if (key === '$bytes' && typeof item === 'string') return new Uint8Array(Buffer.from(item, 'base64'));
    if (key === '$undefined' && item === true) return undefined;
    if (key === '$number' && typeof item === 'string' && item in SPECIAL_NUMBERS) return SPECIAL_NUMBERS[item];
    throw new TypeError(`fuzz input: unknown special value ${JSON.stringify(json)}`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(json)) {
    // defineProperty, so that a saved `__proto__` key is an own key as it was, not a prototype.
    Object.defineProperty(out, key, { value: fromFuzzJson(item), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
