/**
 * One lifecycle for long-lived modules: `start → ready → drain → stop`. A process's composition
 * root adds its modules in dependency order; they start in that order and drain and stop in the
 * reverse one, so nothing stops while something that uses it still runs.
 */
import type { Logger } from '../log/types.js';
import type { Clock } from '../timer/clock.js';

/** A long-lived part of a server process. */
export interface Module {
  /** For logs: `store`, `http`, … */
  readonly name: string;
  /** Acquires resources and begins serving; rejects to abort the start. */
  start(): Promise<void>;
  /** Stops taking new work and finishes what is in flight (optional). */
  drain?(): Promise<void>;
  /** Releases every resource; must not throw for an already stopped module. */
  stop(): Promise<void>;
}

/** Where a {@link Lifecycle} is. */
export type LifecycleState = 'idle' | 'starting' | 'ready' | 'draining' | 'stopped';

/** Options for {@link Lifecycle}. */
export interface LifecycleOptions {
  logger: Logger;
  clock: Clock;
  /** Longest time a module's drain or stop may take before the next one goes on (default 10,000 ms). */
  stepTimeoutMs?: number;
}

/** Starts and stops a list of {@link Module}s in order. */
export class Lifecycle {
  private readonly modules: Module[] = [];
  private started: Module[] = [];
  private current: LifecycleState = 'idle';
  private stopping: Promise<void> | undefined;
  private starting: Promise<void> = Promise.resolve();

  constructor(private readonly options: LifecycleOptions) {}

  /** The current state. */
  get state(): LifecycleState {
    return this.current;
  }

  /**
   * Adds a module; modules start in the order they are added.
   * @throws Error once the lifecycle has started.
   */
  add<M extends Module>(module: M): M {
    if (this.current !== 'idle') throw new Error(`Lifecycle.add(${module.name}): already ${this.current}`);
    this.modules.push(module);
    return module;
  }

  /**
   * Starts every module in order. If one fails, those already started are stopped in reverse
   * order and the error is rethrown.
   * @throws the module's error, or an Error when {@link Lifecycle.stop} was called meanwhile.
   */
  async start(): Promise<void> {
    if (this.current !== 'idle') throw new Error(`Lifecycle.start(): already ${this.current}`);
    this.current = 'starting';
    for (const module of this.modules) {
      // A stop that arrived while starting wins: nothing more starts.
      if (this.stopping) throw new Error(`Lifecycle.start(): stopped before ${module.name} started`);
      this.starting = module.start().then(() => void this.started.push(module));
      try {
        await this.starting;
        this.options.logger.debug('module started', { module: module.name });
      } catch (err) {
        this.options.logger.error('module failed to start', { module: module.name, err });
        await this.stop();
        throw err;
      }
    }
    if (this.stopping) throw new Error('Lifecycle.start(): stopped while starting');
    this.current = 'ready';
  }

  /** Drains then stops the started modules in reverse order; calling it again returns the same promise. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    // A module still starting finishes first (within the step limit), so that it is stopped too.
    await this.step('starting module', 'start', () => this.starting.catch(() => undefined));
    const reversed = [...this.started].reverse();
    this.current = 'draining';
    for (const module of reversed) {
      if (module.drain) await this.step(module.name, 'drain', () => module.drain!());
    }
    for (const module of reversed) await this.step(module.name, 'stop', () => module.stop());
    this.started = [];
    this.current = 'stopped';
  }

  // One module's start, drain or stop, bounded in time; a failure is logged and the shutdown goes on.
  private async step(module: string, what: 'start' | 'drain' | 'stop', run: () => Promise<void>): Promise<void> {
    const limit = this.options.stepTimeoutMs ?? 10_000;
    let timer: ReturnType<Clock['setTimer']> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = this.options.clock.setTimer(() => resolve('timeout'), limit);
    });
    try {
      const result = await Promise.race([run().then(() => 'done' as const), timeout]);
      if (result === 'timeout') this.options.logger.error(`module ${what} timed out`, { module, limitMs: limit });
    } catch (err) {
      this.options.logger.error(`module ${what} failed`, { module, err });
    } finally {
      if (timer) this.options.clock.clearTimer(timer);
    }
  }
}
