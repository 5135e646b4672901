import type { ComponentClass } from './component.js';

/**
 * Orders component classes so that every class comes after the classes it requires.
 * @param owner names the entity type in errors.
 * @throws Error naming the missing class when a requirement is not in `classes`, or the cycle.
 */
export function componentOrder(owner: string, classes: readonly ComponentClass[]): ComponentClass[] {
  const listed = new Set(classes);
  const ordered: ComponentClass[] = [];
  const state = new Map<ComponentClass, 'visiting' | 'done'>();
  const visit = (cls: ComponentClass, path: ComponentClass[]): void => {
    if (state.get(cls) === 'done') return;
    if (state.get(cls) === 'visiting') {
      throw new Error(`${owner}: components require each other in a cycle: ${[...path, cls].map((c) => c.name).join(' -> ')}`);
    }
    state.set(cls, 'visiting');
    for (const required of cls.requires) {
      if (!listed.has(required)) throw new Error(`${owner}: ${cls.name} requires ${required.name}, which ${owner} does not list`);
      visit(required, [...path, cls]);
    }
    state.set(cls, 'done');
    ordered.push(cls);
  };
  for (const cls of classes) visit(cls, []);
  return ordered;
}
