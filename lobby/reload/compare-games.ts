/**
 * Compares a game's live definition with a new generation of its code, before anything is
 * touched: what the new code changes that a running lobby can take (new methods, systems,
 * services, space types, entity types, client-callable methods, persisted fields with a default),
 * and, named one by one, what it cannot (a persisted field removed or retyped, hot fields
 * changed, an entity type's components changed, a live entity type removed, ...).
 */
import type { ComponentClass } from '../../engine/ecs/component.js';
import { checkDeclarations } from '../../engine/ecs/component-declarations.js';
import { componentOrder } from '../../engine/ecs/component-order.js';
import type { EntityClass } from '../../engine/ecs/entity.js';
import type { GameDefinition, GameSystem } from '../define-game.js';
import type { SpaceDefinition } from '../define-space.js';
import type { LoadedClasses } from './class-table.js';

/** What a running lobby holds that a change may depend on. */
export interface LiveCounts {
  /** Live entities of the entity type `type` in the lobby's worlds. */
  entities(type: string): number;
  /** Live spaces of the space type `type`. */
  spaces(type: string): number;
}

/** The outcome of {@link compareGames}. */
export interface GameChanges {
  /** What takes new code: `entity Hero`, `component Health`, `system movement`, ... */
  changed: string[];
  /** What cannot be applied live, each named; empty when the reload may go ahead. */
  refused: string[];
}

/**
 * Compares `live` (the running definition) with `next` (the new generation, whose classes
 * `classes` pairs with the live ones).
 */
export function compareGames(live: GameDefinition, next: GameDefinition, classes: LoadedClasses, counts: LiveCounts): GameChanges {
  const changed: string[] = [];
  const refused: string[] = [];
  const same = (a: Function | undefined, b: Function | undefined): boolean => a !== undefined && b !== undefined && a === classes.liveOf(b);
  if (next.name !== live.name) refused.push(`game renamed from ${live.name} to ${next.name}`);
  if (!same(live.player, next.player)) refused.push(`player type changed from ${live.player.name} to ${next.player.name}`);
  compareEntities(live, next, classes, counts, changed, refused);
  compareClasses(classes, changed, refused);
  compareServices(live, next, classes, changed, refused);
  compareSpaces(live, next, classes, counts, changed, refused);
  compareSystems('', live.systems, next.systems, changed);
  if (canonical(live.globals ?? {}) !== canonical(next.globals ?? {})) refused.push('globals changed (a global entity moves only with a restart)');
  if (live.startSpace !== next.startSpace) changed.push(`startSpace ${next.startSpace ?? '(none)'}`);
  // onStart has run already; the new onStop runs when the lobby stops.
  if (String(live.onStop) !== String(next.onStop)) changed.push('onStop');
  return { changed: [...new Set(changed)], refused };
}

function compareEntities(live: GameDefinition, next: GameDefinition, classes: LoadedClasses, counts: LiveCounts, changed: string[], refused: string[]): void {
  for (const [type, cls] of Object.entries(live.entities)) {
    const nextCls = next.entities[type];
    const alive = counts.entities(type);
    if (!nextCls) {
      if (alive > 0) refused.push(`entity ${type} removed while ${alive} are live`);
      continue;
    }
    if (classes.liveOf(nextCls) !== cls) {
      refused.push(`entity ${type} is now class ${nextCls.name} of another module`);
      continue;
    }
    const before = names(cls.components);
    const after = names((classes.nextOf(cls) as EntityClass).components.map((c) => classes.liveOf(c)));
    for (const name of before) if (!after.includes(name)) refused.push(`entity ${type}: component ${name} removed`);
    for (const name of after) if (!before.includes(name)) refused.push(`entity ${type}: component ${name} added`);
    if (before.join() !== after.join() && before.length === after.length && before.every((n) => after.includes(n))) refused.push(`entity ${type}: components reordered`);
  }
  for (const [type, cls] of Object.entries(next.entities)) {
    if (Object.hasOwn(live.entities, type)) continue;
    try {
      for (const component of componentOrder(type, cls.components)) checkDeclarations(component);
      changed.push(`entity ${type} added`);
    } catch (err) {
      refused.push(`entity ${type}: ${(err as Error).message}`);
    }
  }
}

// Statics that describe a component's data: they cannot change under live entities.
function compareClasses(classes: LoadedClasses, changed: string[], refused: string[]): void {
  for (const { live, next } of classes.pairs) {
    const name = live.name;
    if (classes.liveOf(Object.getPrototypeOf(next) as Function) !== Object.getPrototypeOf(live)) {
      refused.push(`class ${name}: its base class changed`);
      continue;
    }
    if (isComponent(live)) compareComponent(live, next as ComponentClass, classes, changed, refused);
    for (const field of addedFields(live, next)) {
      if (!isPrimitive(field.value)) refused.push(`class ${name}: new field ${field.name} starts as ${typeOfValue(field.value)}, not a number, string, boolean or null`);
    }
    if (methodsDiffer(live, next)) changed.push(`${kindOf(live)} ${name}`);
  }
}

function compareComponent(live: ComponentClass, next: ComponentClass, classes: LoadedClasses, changed: string[], refused: string[]): void {
  const name = live.name;
  try {
    checkDeclarations(next);
  } catch (err) {
    refused.push(`component ${name}: ${(err as Error).message}`);
    return;
  }
  if (canonical(live.hot) !== canonical(next.hot)) refused.push(`component ${name}: hot fields changed (their typed arrays are laid out at start)`);
  if (canonical(live.sync) !== canonical(next.sync)) refused.push(`component ${name}: sync changed`);
  if (names(live.requires).join() !== names(next.requires.map((c) => classes.liveOf(c))).join()) refused.push(`component ${name}: requires changed`);
  const before = fieldTypes(live);
  const after = fieldTypes(next);
  for (const [field, type] of before) {
    const now = after.get(field);
    if (now === undefined) refused.push(`component ${name}: persisted field ${field} removed`);
    else if (now !== type) refused.push(`component ${name}: persisted field ${field} retyped from ${type} to ${now}`);
  }
  for (const field of after.keys()) if (!before.has(field)) changed.push(`component ${name}: persisted field ${field} added`);
}

function compareServices(live: GameDefinition, next: GameDefinition, classes: LoadedClasses, changed: string[], refused: string[]): void {
  const services = live.services ?? {};
  for (const [name, cls] of Object.entries(services)) {
    const nextCls = next.services?.[name];
    if (!nextCls) refused.push(`service ${name} removed`);
    else if (classes.liveOf(nextCls) !== cls) refused.push(`service ${name} is now class ${nextCls.name} of another module`);
    else if (names2(cls.serverCallable) !== names2(nextCls.serverCallable)) refused.push(`service ${name}: serverCallable changed`);
    else if (names2(cls.clientCallable) !== names2(nextCls.clientCallable)) changed.push(`service ${name}: clientCallable`);
  }
  for (const name of Object.keys(next.services ?? {})) if (!Object.hasOwn(services, name)) changed.push(`service ${name} added`);
}

function compareSpaces(live: GameDefinition, next: GameDefinition, classes: LoadedClasses, counts: LiveCounts, changed: string[], refused: string[]): void {
  const spaces = live.spaces ?? {};
  for (const [type, space] of Object.entries(spaces)) {
    const nextSpace = next.spaces?.[type];
    const alive = counts.spaces(type);
    if (!nextSpace) {
      if (alive > 0) refused.push(`space ${type} removed while ${alive} are live`);
      continue;
    }
    for (const key of ['tickHz', 'persist'] as const) {
      if (space[key] !== nextSpace[key]) refused.push(`space ${type}: ${key} changed`);
    }
    if (interestOf(space, (c) => c) !== interestOf(nextSpace, (c) => classes.liveOf(c))) refused.push(`space ${type}: interest changed`);
    compareSystems(`space ${type} `, space.systems, nextSpace.systems, changed);
    for (const hook of ['onCreate', 'onPlayerEnter', 'onPlayerLeave', 'onEmpty', 'onDrain'] as const) {
      if (String(space[hook]) !== String(nextSpace[hook])) changed.push(`space ${type}: ${hook}`);
    }
  }
  for (const type of Object.keys(next.spaces ?? {})) if (!Object.hasOwn(spaces, type)) changed.push(`space ${type} added`);
}

function compareSystems(prefix: string, live: readonly GameSystem[] | undefined, next: readonly GameSystem[] | undefined, changed: string[]): void {
  const before = new Map((live ?? []).map((s) => [s.name, sourceOf(s)]));
  for (const system of next ?? []) {
    const was = before.get(system.name);
    if (was === undefined) changed.push(`${prefix}system ${system.name} added`);
    else if (was !== sourceOf(system)) changed.push(`${prefix}system ${system.name}`);
  }
  for (const name of before.keys()) if (!(next ?? []).some((s) => s.name === name)) changed.push(`${prefix}system ${name} removed`);
}

function sourceOf(system: GameSystem): string {
  return typeof system === 'function' ? String(system) : `${String(system.run)}@${system.hz ?? ''}`;
}

function interestOf(space: SpaceDefinition, live: (cls: Function) => Function): string {
  const interest = space.interest;
  if (!interest) return '';
  const position = live(interest.position) as ComponentClass;
  return `${position.name}:${interest.cellSize}:${interest.viewRadius}`;
}

/** Persisted fields by name, each with the type its initial value (or hot type) has. */
function fieldTypes(cls: ComponentClass): Map<string, string> {
  const sample = new cls() as unknown as Record<string, unknown>;
  return new Map(cls.persist.map((field) => [field, Object.hasOwn(cls.hot, field) ? `hot ${cls.hot[field]}` : typeOfValue(sample[field])]));
}

/** A field that instances of the new code start with and those of the live code do not. */
export interface AddedField {
  name: string;
  value: unknown;
}

/**
 * The fields instances of `next` start with that instances of `live` lack (class field
 * initialisers run in the constructor, which a reload cannot replace: the apply puts their
 * initial values on the live prototype). None for a class that cannot be made without arguments.
 */
export function addedFields(live: Function, next: Function): AddedField[] {
  const sample = (cls: Function): Record<string, unknown> | undefined => {
    try {
      return new (cls as new () => Record<string, unknown>)();
    } catch {
      return undefined;
    }
  };
  const before = sample(live);
  const after = sample(next);
  if (!before || !after) return [];
  return Object.keys(after).filter((name) => !(name in before)).map((name) => ({ name, value: after[name] }));
}

/** Whether a field's initial value may be shared through a prototype. */
export function isPrimitive(value: unknown): boolean {
  return value === null || value === undefined || ['number', 'string', 'boolean', 'bigint'].includes(typeof value);
}

function typeOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function isComponent(cls: Function): cls is ComponentClass {
  return Array.isArray((cls as { persist?: unknown }).persist) && typeof (cls as { hot?: unknown }).hot === 'object' && 'sync' in cls;
}

function kindOf(cls: Function): string {
  if (isComponent(cls)) return 'component';
  if ('components' in cls) return 'entity';
  if ('clientCallable' in cls) return 'service';
  return 'class';
}

/** Whether the methods (and accessors) of the two classes' prototypes or statics differ in code. */
export function methodsDiffer(live: Function, next: Function): boolean {
  return codeOf(live.prototype as object) !== codeOf(next.prototype as object) || codeOf(live) !== codeOf(next);
}

function codeOf(target: object): string {
  const parts: string[] = [];
  for (const key of Reflect.ownKeys(target)) {
    if (key === 'constructor' || key === 'prototype') continue;
    const descriptor = Object.getOwnPropertyDescriptor(target, key)!;
    // The engine's own accessors (hot fields) are not configurable; a game's are.
    if (!descriptor.configurable) continue;
    const code = [descriptor.value, descriptor.get, descriptor.set].filter((f): f is Function => typeof f === 'function').map(String).join('|');
    if (code) parts.push(`${String(key)}=${code}`);
  }
  return parts.sort().join('\n');
}

function names(classes: readonly Function[]): string[] {
  return classes.map((c) => c.name);
}

function names2(methods: readonly string[]): string {
  return [...methods].sort().join();
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'function' ? `class ${(v as Function).name}` : v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));
}
