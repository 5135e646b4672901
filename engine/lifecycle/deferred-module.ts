/**
 * A module built only when it starts, for modules that need what earlier modules open (the
 * store, a registered server id): the composition root adds it in order, and `build` runs once
 * the modules before it are ready.
 */
import type { Module } from './lifecycle.js';

/** Builds its module at start and passes drain and stop to it. */
export class DeferredModule<M extends Module> implements Module {
  private built: M | undefined;

  /**
   * @param name for logs.
   * @param build makes the module; called once, at start.
   */
  constructor(
    readonly name: string,
    private readonly build: () => M | Promise<M>,
  ) {}

  /**
   * The module.
   * @throws Error before start.
   */
  get module(): M {
    if (!this.built) throw new Error(`${this.name}: not started`);
    return this.built;
  }

  /** The module, or `undefined` before start. */
  get current(): M | undefined {
    return this.built;
  }

  async start(): Promise<void> {
    this.built = await this.build();
    await this.built.start();
  }

  async drain(): Promise<void> {
    await this.built?.drain?.();
  }

  async stop(): Promise<void> {
    await this.built?.stop();
  }
}
