/**
 * The checks a game's systems pass, for the game's own list and each space type's: a name each,
 * no two alike, a run function, and a positive rate no faster than the world ticks.
 */
import type { GameSystem } from './define-game.js';

/**
 * Checks `systems`, calling `fail` (which throws) with what is wrong.
 * @param tickHz the rate of the world they run in, when known: no system may run faster.
 */
export function checkSystems(systems: readonly GameSystem[] | undefined, fail: (message: string) => never, tickHz?: number): void {
  if (systems !== undefined && !Array.isArray(systems)) fail('systems must be an array');
  const names = new Set<string>();
  for (const system of systems ?? []) {
    const name = typeof system === 'function' || (typeof system === 'object' && system !== null) ? system.name : undefined;
    if (!name) fail('every system needs a name: a named function, or { name, run }');
    if (names.has(name!)) fail(`two systems are named ${name}`);
    names.add(name!);
    if (typeof system !== 'function') {
      if (typeof system.run !== 'function') fail(`system ${name} has no run function`);
      if (system.hz !== undefined && !(Number.isFinite(system.hz) && system.hz > 0)) fail(`system ${name}: hz must be a positive number`);
      if (system.hz !== undefined && tickHz !== undefined && system.hz > tickHz) fail(`system ${name}: hz ${system.hz} is above the space's tickHz ${tickHz}`);
    }
  }
}
