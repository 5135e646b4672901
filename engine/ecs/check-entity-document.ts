/**
 * The check of a stored entity document against its type, before it is loaded into a world.
 */
import { StoreError } from '../persist/errors.js';
import type { ComponentData } from './entity.js';

/** One component of the type: its name, persistent fields and a fresh instance. */
export interface ComponentShape {
  name: string;
  persist: readonly string[];
  sample: object;
}

/**
 * The component data of a stored entity document, checked: it must be for this type, and each
 * stored field must have the kind of value the component starts with (number, string, boolean,
 * array, object); fields it lacks keep their initial values, so new fields can be added to a game
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
  for (const { name, persist, sample } of shapes) {
    const stored = (components as Record<string, unknown>)[name];
    if (stored === undefined) continue;
    if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) fail(`components.${name} is not an object`);
    const fields: Record<string, unknown> = {};
    for (const field of persist) {
      if (!Object.hasOwn(stored as object, field)) continue;
      const value = (stored as Record<string, unknown>)[field];
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

function kind(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}
