/**
 * The global entities a game declares (`globals` in `defineGame`): singletons of which exactly one
 * instance runs in the cluster, taken over by another lobby when their lobby dies or drains
 * (global-entities.ts). What each declaration must be, checked once when the game is defined.
 */
import type { EntityClass } from '../engine/ecs/entity.js';

/** One global entity as a game declares it. */
export interface GlobalDefinition {
  /** Its entity type: a name listed in the game's `entities`. */
  type: string;
  /** Its id in the store (default: the global's name). */
  id?: string;
}

/** Global names: letters, digits, `_`, `.` and `-`, starting with a letter; at most 64. */
const GLOBAL_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/** Longest store id of a global. */
const MAX_ID_LENGTH = 128;

/** The store id of a declared global. */
export function globalId(name: string, definition: GlobalDefinition): string {
  return definition.id ?? name;
}

/**
 * Checks a game's `globals`, calling `fail` (which throws) with what is wrong: a bad name, a type
 * that is not one of `entities`, a bad id, two globals with one id.
 */
export function checkGlobals(globals: unknown, entities: Readonly<Record<string, EntityClass>>, fail: (message: string) => never): void {
  if (globals === undefined) return;
  if (typeof globals !== 'object' || globals === null) fail('globals must map global names to { type, id? }');
  const ids = new Set<string>();
  for (const [name, definition] of Object.entries(globals as Record<string, GlobalDefinition>)) {
    if (!GLOBAL_NAME.test(name)) fail(`bad global name ${JSON.stringify(name)}`);
    if (typeof definition !== 'object' || definition === null) fail(`global ${name} must be { type, id? }`);
    if (typeof definition.type !== 'string' || !Object.hasOwn(entities, definition.type)) fail(`global ${name}: type ${JSON.stringify(definition.type)} is not one of the entities`);
    if (definition.id !== undefined && (typeof definition.id !== 'string' || definition.id.length === 0 || definition.id.length > MAX_ID_LENGTH)) {
      fail(`global ${name}: id must be a string of 1-${MAX_ID_LENGTH} characters`);
    }
    const id = globalId(name, definition);
    if (ids.has(id)) fail(`two globals have the id ${JSON.stringify(id)}`);
    ids.add(id);
  }
}
