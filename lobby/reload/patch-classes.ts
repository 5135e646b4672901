/**
 * Gives the live classes of a game the code of a new generation, in place: each live prototype
 * takes the new prototype's methods and accessors (and loses the methods the new code dropped),
 * each live class the new static methods and callable lists, and fields the new code's
 * instances start with go on the live prototype as initial values, since a class's constructor
 * cannot be replaced. Live objects keep their identity and state, and `instanceof` holds.
 */
import type { Component, ComponentClass } from '../../engine/ecs/component.js';
import type { Entity } from '../../engine/ecs/entity.js';
import type { ClassPair } from './class-table.js';
import { addedFields } from './compare-games.js';

/** Statics a reload copies besides static methods: what clients and servers may call. */
const CALLABLE_LISTS = ['clientCallable', 'serverCallable'] as const;

/**
 * Patches every live class of `pairs` with its new code, and fills the persisted fields a
 * component gains on the live instances among `entities` (watched, so that assigning one marks
 * its entity for saving). Synchronous: run it between two ticks.
 */
export function patchClasses(pairs: readonly ClassPair[], entities: Iterable<Entity>): void {
  const gained = new Map<Function, { name: string; value: unknown }[]>();
  for (const { live, next } of pairs) {
    // Read before the patch: the samples are made from the classes as they are.
    const fields = addedFields(live, next);
    patchObject(live.prototype as object, next.prototype as object);
    for (const key of Reflect.ownKeys(next)) {
      const descriptor = Object.getOwnPropertyDescriptor(next, key)!;
      const callable = (CALLABLE_LISTS as readonly (string | symbol)[]).includes(key);
      if (callable || (typeof descriptor.value === 'function' && key !== 'prototype')) Object.defineProperty(live, key, descriptor);
    }
    for (const { name, value } of fields) {
      Object.defineProperty(live.prototype, name, { value, writable: true, enumerable: false, configurable: true });
    }
    const persist = (next as Partial<ComponentClass>).persist;
    if (persist && Object.hasOwn(next, 'persist')) {
      const added = fields.filter((field) => persist.includes(field.name));
      Object.defineProperty(live, 'persist', { value: persist, writable: true, enumerable: true, configurable: true });
      if (added.length > 0) gained.set(live, added);
    }
  }
  if (gained.size === 0) return;
  for (const entity of entities) {
    for (const [cls, fields] of gained) {
      if (!entity.has(cls as ComponentClass)) continue;
      const part = entity.get(cls as ComponentClass);
      for (const { name, value } of fields) watchField(part, name, value);
    }
  }
}

function patchObject(live: object, next: object): void {
  for (const key of Reflect.ownKeys(next)) {
    if (key === 'constructor') continue;
    Object.defineProperty(live, key, Object.getOwnPropertyDescriptor(next, key)!);
  }
  for (const key of Reflect.ownKeys(live)) {
    if (key === 'constructor' || Object.hasOwn(next, key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(live, key)!;
    // Only the game's own methods go: the engine's accessors (hot fields) are not configurable.
    if (descriptor.configurable && typeof descriptor.value === 'function') Reflect.deleteProperty(live, key);
  }
}

// As the entity watches persistent fields it attaches with (entity.ts): assigning marks it dirty.
function watchField(part: Component, field: string, initial: unknown): void {
  let value = initial;
  Object.defineProperty(part, field, {
    enumerable: true,
    configurable: true,
    get: () => value,
    set: (next: unknown) => {
      value = next;
      part.markDirty();
    },
  });
}
