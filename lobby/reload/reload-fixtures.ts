/**
 * Pairs of live and new classes for the reload's unit tests, as the class table would give them
 * (class-table.ts), without loading modules.
 */
import type { ClassPair, LoadedClasses } from './class-table.js';

/** The classes of a generation whose counterparts of `pairs` ([live, next]) are live. */
export function loadedClasses(pairs: readonly [Function, Function][]): LoadedClasses & { commit(): void } {
  const list: ClassPair[] = pairs.map(([live, next]) => ({ key: `test#${live.name}`, live, next }));
  const byLive = new Map(pairs.map(([live, next]) => [live, next]));
  const byNext = new Map(pairs.map(([live, next]) => [next, live]));
  return { pairs: list, nextOf: (cls) => byLive.get(cls) ?? cls, liveOf: (cls) => byNext.get(cls) ?? cls, commit: () => undefined };
}
