/**
 * A game world: a bitecs 0.4 world and the systems that run on it, in their declared order, once
 * per step. Systems are plain functions over typed-array data; they do no I/O and never await.
 * A `TickLoop` calls {@link World.step} at the world's rate.
 */
import { createWorld, type World as BitWorld } from 'bitecs';
import type { Logger } from '../log/types.js';

/** A system: one pass of game logic over the world's data. `dt` is in seconds. */
export type System = (world: World, dt: number) => void;

/** What a world counts, for load reports. */
export interface WorldStats {
  /** Steps run. */
  steps: number;
  /** Simulation time run, in seconds. */
  elapsed: number;
  /** Systems that threw, by name (logged; the other systems still ran). */
  systemErrors: Record<string, number>;
}

/** A bitecs world with an ordered system pipeline. */
export class World {
  /** The bitecs world, for `addEntity`, `addComponent`, `query`, … */
  readonly ecs: BitWorld;
  private readonly systems: { name: string; run: System }[] = [];
  private readonly errors: Record<string, number> = {};
  private steps = 0;
  private elapsed = 0;

  constructor(private readonly logger: Logger) {
    this.ecs = createWorld();
  }

  /**
   * Appends a system to the pipeline; systems run in the order they are added.
   * @throws Error when a system of that name is already there.
   */
  addSystem(name: string, system: System): this {
    if (this.systems.some((s) => s.name === name)) throw new Error(`World.addSystem: a system named ${name} already exists`);
    this.systems.push({ name, run: system });
    return this;
  }

  /** The systems' names, in run order. */
  get systemNames(): string[] {
    return this.systems.map((s) => s.name);
  }

  /**
   * Runs every system once, in order. A system that throws is logged and counted, and the
   * systems after it still run: one bug must not freeze the world.
   */
  step(dt: number): void {
    for (const { name, run } of this.systems) {
      try {
        run(this, dt);
      } catch (err) {
        this.errors[name] = (this.errors[name] ?? 0) + 1;
        this.logger.error('system failed', { err, system: name, step: this.steps });
      }
    }
    this.steps++;
    this.elapsed += dt;
  }

  /** A copy of the counters. */
  stats(): WorldStats {
    return { steps: this.steps, elapsed: this.elapsed, systemErrors: { ...this.errors } };
  }
}
