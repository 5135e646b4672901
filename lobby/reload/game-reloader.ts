/**
 * A lobby's reload of its game code: loads a new generation of the game's module, compares its
 * declarations with the live ones, and, when every change can be taken live, applies them all in
 * one synchronous turn, so that every world and space steps either the old code or the new:
 * the live classes take the new methods (entities, components, services and their game-defined
 * bases, so objects keep identity and state), the worlds and spaces their new systems, the
 * services their new client-callable lists, the space types their new hooks. Reloads run one at
 * a time; a failure to load, or a refused change, leaves everything as it was.
 */
import type { EntityRegistry } from '../../engine/ecs/entity-registry.js';
import type { WorldGroup } from '../../engine/ecs/world-group.js';
import type { ReloadReport } from '../../engine/admin/admin-contract.js';
import type { Logger } from '../../engine/log/types.js';
import type { GameDefinition } from '../define-game.js';
import type { ServiceClass } from '../service.js';
import type { SpaceHost } from '../space-host.js';
import { ratedSystems } from '../system-rate.js';
import { compareGames, type GameChanges } from './compare-games.js';
import type { GameGeneration } from './game-module.js';
import { patchClasses } from './patch-classes.js';

/** Where a reload puts the new code. */
export interface ReloadTargets {
  registry: EntityRegistry;
  /** The lobby's worlds: its own (`home`, the game's systems) and its spaces'. */
  worlds: WorldGroup;
  spaces: SpaceHost;
  /** The lobby's steps per second, the rate of the game's systems. */
  tickHz: number;
  /** Gives the live service `name` a new list of client-callable methods. */
  redefineService(name: string, clientCallable: readonly string[]): void;
  /** Starts a service the new code adds (its `onStart` runs after the swap). */
  addService(name: string, cls: ServiceClass): Promise<void>;
}

/** What a {@link GameReloader} needs. */
export interface GameReloaderOptions {
  /** Loads generation `attempt` of the game's code (GameModule.load). */
  load(attempt: number): Promise<GameGeneration>;
  /** The game as the lobby started it. */
  game: GameDefinition;
  targets: ReloadTargets;
  logger: Logger;
}

/** Reloads one lobby's game code. */
export class GameReloader {
  private live: GameDefinition;
  private generation = 0;
  private attempts = 0;
  private running: Promise<ReloadReport> = Promise.resolve({ ok: true, generation: 0, changed: [], refused: [], swapMs: 0 });

  constructor(private readonly options: GameReloaderOptions) {
    this.live = options.game;
  }

  /** The game's definition as it runs now (the new one after a reload). */
  get game(): GameDefinition {
    return this.live;
  }

  /** How many reloads have been applied. */
  get applied(): number {
    return this.generation;
  }

  /** Loads, compares and applies the game's code again, after any reload in progress. Never rejects. */
  reload(): Promise<ReloadReport> {
    this.running = this.running.then(() => this.once());
    return this.running;
  }

  private async once(): Promise<ReloadReport> {
    const { logger } = this.options;
    const refuse = (refused: string[]): ReloadReport => {
      logger.warn('game reload refused', { generation: this.generation, refused });
      return { ok: false, generation: this.generation, changed: [], refused, swapMs: 0 };
    };
    let next: GameGeneration;
    try {
      next = await this.options.load(++this.attempts);
    } catch (err) {
      return refuse([`the game's code did not load: ${(err as Error).message}`]);
    }
    let changes: GameChanges;
    try {
      changes = this.compare(next);
    } catch (err) {
      return refuse([`the game's code could not be compared: ${(err as Error).message}`]);
    }
    if (changes.refused.length > 0) return refuse(changes.refused);
    const started = performance.now();
    let added: [string, ServiceClass][];
    try {
      added = this.apply(next);
    } catch (err) {
      // Compare and defineGame check what apply relies on: this is a bug, and part of the new code may run.
      logger.error('game reload failed while applying: this lobby may run part of the new code; restart it', { err });
      return { ok: false, generation: this.generation, changed: [], refused: [`applying failed part way, so this lobby may run part of the new code: restart it (or roll it): ${(err as Error).message}`], swapMs: performance.now() - started };
    }
    const swapMs = performance.now() - started;
    this.generation++;
    logger.info('game reloaded', { generation: this.generation, changed: changes.changed, swapMs });
    for (const [name, cls] of added) {
      await this.options.targets.addService(name, cls).catch((err: unknown) => logger.error('lobby: a service the reload added did not start', { err, service: name }));
    }
    return { ok: true, generation: this.generation, changed: changes.changed, refused: [], swapMs };
  }

  private compare(next: GameGeneration): GameChanges {
    const { worlds, spaces } = this.options.targets;
    const entities = new Map<string, number>();
    for (const entity of worlds.list()) entities.set(entity.typeName, (entities.get(entity.typeName) ?? 0) + 1);
    return compareGames(this.live, next.game, next.classes, {
      entities: (type) => entities.get(type) ?? 0,
      spaces: (type) => spaces.list().filter((space) => space.type === type).length,
    });
  }

  // One synchronous turn: no step runs between the first change and the last.
  private apply(next: GameGeneration): [string, ServiceClass][] {
    const { registry, worlds, spaces, tickHz, redefineService } = this.options.targets;
    const live = this.live;
    const game = next.game;
    // What can still throw is worked out before the first change.
    const systems = ratedSystems(game.systems, tickHz);
    for (const [type, cls] of Object.entries(game.entities)) {
      if (!Object.hasOwn(live.entities, type)) registry.register(type, cls);
    }
    patchClasses(next.classes.pairs, worlds.list());
    next.classes.commit();
    worlds.home.replaceSystems(systems);
    spaces.redefine(game);
    const added: [string, ServiceClass][] = [];
    for (const [name, cls] of Object.entries(game.services ?? {})) {
      if (!Object.hasOwn(live.services ?? {}, name)) added.push([name, cls]);
      else redefineService(name, cls.clientCallable);
    }
    this.live = game;
    return added;
  }
}
