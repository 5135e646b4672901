/**
 * The checks of a stored entity document against its type, before it is loaded into a world:
 * its components' fields and its saved timers.
 */
import { StoreError } from '../persist/errors.js';
import type { ComponentData } from './entity.js';
import type { StoredTimer } from './entity-timers.js';

/** One component of the type: its name, persistent fields, hot fields and a fresh instance. */
export interface ComponentShape {
  name: string;
  persist: readonly string[];
  /** The hot field declarations: a stored hot field must be a finite number. */
  hot: object;
  sample: object;
}

/**
 * The component data of a stored entity document, checked: it must be for this type, and each
 * stored field must have the kind of value the component starts with (number, string, boolean,
 * array, object), a finite number for a hot field; fields it lacks keep their initial values, so new fields can be added to a game
 * without migrating old documents.
 * @param where `<type>/<id>`, for the error.
 * @throws StoreError STORE_ERR_INVALID_DOCUMENT naming the field at fault.
 */
export function checkEntityDocument(where: string, type: string, data: Record<string, unknown>, shapes: ComponentShape[]): ComponentData {
  const fail = (problem: string): never => {
    throw new StoreError('STORE_ERR_INVALID_DOCUMENT', `${where}: ${problem}`);
  };
  if (data.type !== type) fail(`stored as type ${JSON.stringify(data.type)}, expected ${type}`);
  const components = data.components;
  if (typeof components !== 'object' || components === null || Array.isArray(components)) fail('components is not an object');
  const result: ComponentData = {};
  for (const { name, persist, hot, sample } of shapes) {
    const stored = (components as Record<string, unknown>)[name];
    if (stored === undefined) continue;
    if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) fail(`components.${name} is not an object`);
    const fields: Record<string, unknown> = {};
    for (const field of persist) {
      if (!Object.hasOwn(stored as object, field)) continue;
      const value = (stored as Record<string, unknown>)[field];
      if (Object.hasOwn(hot, field)) {
        if (typeof value !== 'number' || !Number.isFinite(value)) fail(`components.${name}.${field} holds ${kind(value)}, expected a finite number (a hot field)`);
        fields[field] = value;
        continue;
      }
      const initial = (sample as Record<string, unknown>)[field];
      if (initial !== null && initial !== undefined && kind(value) !== kind(initial)) {
        fail(`components.${name}.${field} holds ${kind(value)}, expected ${kind(initial)}`);
      }
      fields[field] = value;
    }
    result[name] = fields;
  }
  return result;
}

/**
 * The `schedule` timers of a stored entity document (its top-level `timers` field, absent when it
 * has none), checked: an array of `{ at, method, args }` with a finite number, a non-empty string
 * and an array.
 * @param where `<type>/<id>`, for the error.
 * @throws StoreError STORE_ERR_INVALID_DOCUMENT naming the timer at fault.
 */
export function checkStoredTimers(where: string, stored: unknown): StoredTimer[] {
  if (stored === undefined) return [];
  if (!Array.isArray(stored)) throw new StoreError('STORE_ERR_INVALID_DOCUMENT', `${where}: timers is not an array`);
  return stored.map((t: unknown, i) => {
    const { at, method, args } = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
    if (typeof at !== 'number' || !Number.isFinite(at) || typeof method !== 'string' || method === '' || !Array.isArray(args)) {
      throw new StoreError('STORE_ERR_INVALID_DOCUMENT', `${where}: timers[${i}] is not { at: number, method: string, args: array }`);
    }
    return { at, method, args };
  });
}

function kind(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}
