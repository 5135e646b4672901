/**
 * One space on a lobby (a scene, a match, a dungeon instance, the open world): its own world
 * with its own systems, stepped by its own tick loop at its type's rate on the lobby's game
 * clock, its interest grid, its players, and the sync stage that sends them what they see. Game
 * code gets it in the space type's hooks and from `game.spaces`; entities reach it as
 * `entity.space`. The lobby's {@link SpaceHost} creates, enters and disposes spaces.
 *
 * Order of one tick: the world's systems → the interest grid reads the positions → the sync stage
 * builds and sends each player's view.
 */
import type { Entity, EntityClass } from '../engine/ecs/entity.js';
import type { SpawnOptions, System, World } from '../engine/ecs/world.js';
import type { WorldSpace } from '../engine/ecs/world-space.js';
import { TickLoop, type TickObserver } from '../engine/ecs/tick-loop.js';
import type { Logger } from '../engine/log/types.js';
import type { Clock, ClockTimer } from '../engine/timer/clock.js';
import { DEFAULT_EMPTY_GRACE_MS, type SpaceDefinition } from './define-space.js';
import type { PlayerEntity } from './player-entity.js';
import type { SpaceInterest } from './space-interest.js';
import type { SpaceSyncStage } from './space-sync-stage.js';

/** Where a space is, cluster-wide: what `game.spaces.create` answers and `sys.space` tells a client. */
export interface SpaceRef {
  id: string;
  type: string;
  /** The server id of the lobby that hosts it. */
  lobbyId: string;
}

/** What a {@link Space} is made of; the space host builds it. */
export interface SpaceParts {
  id: string;
  type: string;
  definition: SpaceDefinition;
  /** The lobby's server id, read at each use. */
  lobbyId: () => string;
  data: unknown;
  restored: boolean;
  /** Steps per second of its world. */
  tickHz: number;
  /** Told of each step of its world (metrics). */
  onStep?: TickObserver;
  clock: Clock;
  logger: Logger;
  /** Makes the space's world, given the space it belongs to. */
  world: (space: Space) => World;
  interest: SpaceInterest | undefined;
  /** Asks the host to dispose the space (its `dispose()`, or the end of its empty grace period). */
  dispose: (space: Space) => Promise<void>;
}

/** A space hosted by this lobby, as game code sees it. */
export class Space implements WorldSpace {
  /** The space's cluster-wide id. */
  readonly id: string;
  /** Its space type's name. */
  readonly type: string;
  /** Its world: its entities, its systems. */
  readonly world: World;
  /** What `create` was given (`undefined` when nothing). */
  readonly data: unknown;
  /**
   * True when the space was created under the id of a `persist: true` space that was disposed
   * before: its entities were created again from the store before `onCreate` ran.
   */
  readonly restored: boolean;
  /** Its type's declaration (a reload of the game's code gives it the new one). */
  get definition(): SpaceDefinition {
    return this.declared;
  }
  /** Lines about the space carry its id and type. */
  readonly logger: Logger;
  /** Its interest grid, when its type declares one. */
  readonly interest: SpaceInterest | undefined;
  private readonly members = new Set<PlayerEntity>();
  /** Players on their way in, counted against the cap. */
  private arriving = 0;
  private readonly loop: TickLoop;
  private sync: SpaceSyncStage | undefined;
  private graceTimer: ClockTimer | undefined;
  private disposed = false;
  private declared: SpaceDefinition;

  constructor(private readonly parts: SpaceParts) {
    this.id = parts.id;
    this.type = parts.type;
    this.data = parts.data;
    this.restored = parts.restored;
    this.declared = parts.definition;
    this.logger = parts.logger;
    this.interest = parts.interest;
    this.world = parts.world(this);
    this.loop = new TickLoop({ clock: parts.clock, logger: parts.logger, hz: parts.tickHz, step: (dt) => this.step(dt), ...(parts.onStep ? { onStep: parts.onStep } : {}) });
  }

  /**
   * Takes its type's declaration from a new generation of the game's code, between two steps: its
   * hooks, caps and grace from now on, and its world's systems (`systems`, made at its rate).
   */
  redefine(definition: SpaceDefinition, systems: readonly { name: string; run: System }[]): void {
    this.world.replaceSystems(systems);
    this.declared = definition;
  }

  /** The server id of the lobby hosting it. */
  get lobbyId(): string {
    return this.parts.lobbyId();
  }

  /** Where it is, cluster-wide. */
  get ref(): SpaceRef {
    return { id: this.id, type: this.type, lobbyId: this.lobbyId };
  }

  /** Steps per second of its world. */
  get tickHz(): number {
    return this.parts.tickHz;
  }

  /** Whether it is disposed (or being disposed): it takes no player and runs no step. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** The players in it, in no particular order. */
  players(): PlayerEntity[] {
    return [...this.members];
  }

  /** How many players are in it. */
  get playerCount(): number {
    return this.members.size;
  }

  /** Milliseconds since the epoch on the game's clock (a manual one in tests). */
  now(): number {
    return this.parts.clock.now();
  }

  /**
   * Creates an entity in the space's world (see World.spawn). In a `persist: true` space, one
   * with persistent fields is saved with the lobby's flushes and created again with the space.
   * @throws Error for an unregistered type, an id in use, or what its `onCreate` threw.
   */
  spawn<E extends Entity>(type: EntityClass<E> | string, options?: SpawnOptions): E {
    return this.world.spawn(type, options);
  }

  /**
   * The entities within `radius` of a point, or of an entity (that one excluded), on the space's
   * interest grid as of the last step, in no particular order; those destroyed or gone to another
   * space since that step are left out.
   * @throws Error when the space type declares no `interest`.
   */
  nearby(x: number, y: number, radius: number): Entity[];
  nearby(entity: Entity, radius: number): Entity[];
  nearby(a: number | Entity, b: number, c?: number): Entity[] {
    const interest = this.interest;
    if (!interest) throw new Error(`space ${this.id}: its type ${this.type} declares no interest grid, so it knows no positions`);
    // The grid is as of the last step: an entity destroyed since (a player who left) is still on it.
    if (typeof a === 'number') return interest.nearby(a, b, c!).filter((e) => e.alive);
    const at = interest.positionOf(a);
    return at ? interest.nearby(at.x, at.y, b).filter((e) => e !== a && e.alive) : [];
  }

  /**
   * Disposes the space now: its entities are destroyed (in a `persist: true` space, those with
   * persistent fields are saved first) and its id is given up.
   * @throws (rejects) Error while players are in it: move them out first (`game.spaces.enter`).
   */
  dispose(): Promise<void> {
    return this.parts.dispose(this);
  }

  /** @internal Sets the sync stage and starts stepping; the host calls it once the space is made. */
  start(sync: SpaceSyncStage | undefined): void {
    this.sync = sync;
    this.loop.start();
    if (this.members.size === 0) this.startGrace();
  }

  /**
   * @internal Holds a place for a player on its way in.
   * @returns false when the space is full (or disposed).
   */
  reserve(): boolean {
    const max = this.definition.maxPlayers;
    if (this.disposed || (max !== undefined && this.members.size + this.arriving >= max)) return false;
    this.arriving++;
    return true;
  }

  /** @internal Gives back a place held with {@link reserve} that was not used. */
  unreserve(): void {
    this.arriving--;
    // Its grace period may have ended while the place was held: it starts again.
    if (this.occupancy === 0) this.startGrace();
  }

  /** @internal A player whose place was reserved is in the space's world now. */
  admit(player: PlayerEntity): void {
    this.arriving--;
    this.members.add(player);
    this.stopGrace();
    this.sync?.playerEntered(player);
  }

  /** @internal `player`'s client needs a snapshot of the space again. */
  resync(player: PlayerEntity): void {
    if (this.members.has(player)) this.sync?.snapshot(player);
  }

  /** @internal Players in it and on their way in: a space with any is not disposed. */
  get occupancy(): number {
    return this.members.size + this.arriving;
  }

  /**
   * @internal `player` leaves (its avatar is about to leave the world).
   * @returns whether it was the last one.
   */
  release(player: PlayerEntity): boolean {
    if (!this.members.delete(player)) return false;
    this.sync?.playerLeft(player);
    if (this.members.size > 0) return false;
    this.startGrace();
    return true;
  }

  /** @internal Stops stepping and the grace timer, for good; the host then empties the world. */
  stop(): void {
    this.disposed = true;
    this.loop.stop();
    this.stopGrace();
    this.sync?.dispose();
    this.sync = undefined;
  }

  /** @internal The loop's counters. */
  tickStats(): ReturnType<TickLoop['stats']> {
    return this.loop.stats();
  }

  private step(dt: number): void {
    this.world.step(dt);
    this.interest?.update(this.world);
    this.sync?.afterStep();
  }

  private startGrace(): void {
    const graceMs = this.definition.emptyGraceMs ?? DEFAULT_EMPTY_GRACE_MS;
    if (graceMs === 0 || this.graceTimer || this.disposed) return;
    this.graceTimer = this.parts.clock.setTimer(() => {
      this.graceTimer = undefined;
      if (this.occupancy > 0 || this.disposed) return;
      this.logger.info('space: empty past its grace period; disposed', { graceMs });
      this.dispose().catch((err: unknown) => this.logger.error('space: disposing failed', { err }));
    }, graceMs);
  }

  private stopGrace(): void {
    if (this.graceTimer) this.parts.clock.clearTimer(this.graceTimer);
    this.graceTimer = undefined;
  }
}
