import type { ComponentClass } from './component.js';

/**
 * Checks a component class's declarations once, at registration: persistent fields must be data
 * fields of an instance, callable names must be methods.
 * @throws Error naming the class and the declaration at fault.
 */
export function checkDeclarations(cls: ComponentClass): void {
  const sample = new cls() as unknown as Record<string, unknown>;
  for (const field of cls.persist) {
    if (field in cls.hot) throw new Error(`${cls.name}.persist: ${field} is a hot field, which cannot be persisted yet`);
    if (!(field in sample)) throw new Error(`${cls.name}.persist: ${field} is not a field (give it an initial value)`);
    if (typeof sample[field] === 'function') throw new Error(`${cls.name}.persist: ${field} is a method, not a field`);
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
