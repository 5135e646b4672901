import type { ComponentClass } from './component.js';
import { syncFields } from './sync-spec.js';

/**
 * Checks a component class's declarations once, at registration: persistent and synced fields
 * must be hot fields or data fields of an instance, a quantised plain field must start as a
 * number, callable names must be methods.
 * @throws Error naming the class and the declaration at fault.
 */
export function checkDeclarations(cls: ComponentClass): void {
  const sample = new cls() as unknown as Record<string, unknown>;
  const isHot = (field: string): boolean => Object.hasOwn(cls.hot, field);
  const checkField = (list: string, field: string): void => {
    if (isHot(field)) return;
    if (!(field in sample)) throw new Error(`${cls.name}.${list}: ${field} is not a field (give it an initial value)`);
    if (typeof sample[field] === 'function') throw new Error(`${cls.name}.${list}: ${field} is a method, not a field`);
  };
  for (const field of cls.persist) checkField('persist', field);
  for (const { field, quantize } of syncFields(cls.name, cls.sync)) {
    checkField('sync', field);
    if (quantize !== undefined && !isHot(field) && typeof sample[field] !== 'number') {
      throw new Error(`${cls.name}.sync: ${field} is quantised but starts as ${typeof sample[field]}, not a number`);
    }
  }
  for (const [list, names] of [
    ['clientCallable', cls.clientCallable],
    ['serverCallable', cls.serverCallable],
  ] as const) {
    for (const name of names) {
      if (typeof (cls.prototype as Record<string, unknown>)[name] !== 'function') throw new Error(`${cls.name}.${list}: ${name} is not a method`);
    }
  }
}
