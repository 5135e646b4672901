/**
 * Systems at their own rate: a system that wants fewer runs per second than the world ticks runs
 * every Nth tick and is given the time since its last run, so that what it integrates over `dt`
 * comes out the same.
 */
import type { System, World } from '../engine/ecs/world.js';
import type { GameSystem } from './define-game.js';

/**
 * Wraps `run` to run every `round(tickHz / hz)` ticks with the summed `dt`.
 * @returns `run` itself when it wants every tick.
 * @throws RangeError when `hz` is above `tickHz`.
 */
export function atRate(run: System, hz: number | undefined, tickHz: number): System {
  if (hz === undefined || hz === tickHz) return run;
  if (hz > tickHz) throw new RangeError(`a system cannot run faster than the world ticks: ${hz} > ${tickHz} Hz`);
  const every = Math.max(1, Math.round(tickHz / hz));
  let ticks = 0;
  let elapsed = 0;
  return (world: World, dt: number) => {
    elapsed += dt;
    if (++ticks < every) return;
    const since = elapsed;
    ticks = 0;
    elapsed = 0;
    run(world, since);
  };
}

/** A game's systems (`defineGame`, `defineSpace`) as a world runs them: named, each at its rate. */
export function ratedSystems(systems: readonly GameSystem[] | undefined, tickHz: number): { name: string; run: System }[] {
  return (systems ?? []).map((system) => ({ name: system.name, run: typeof system === 'function' ? system : atRate(system.run, system.hz, tickHz) }));
}
