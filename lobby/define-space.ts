/**
 * A space type as a game declares it (`spaces: { field: defineSpace({...}) }` in `defineGame`):
 * the systems its world runs and at what rate, how many players it takes, whether what is in it
 * is kept, how long it lives empty, its interest grid, and its hooks. A lobby hosts any number of
 * spaces of each type (space-host.ts); each is a {@link Space} with its own world.
 */
import type { ComponentClass } from '../engine/ecs/component.js';
import { MAX_RADIUS_CELLS } from '../engine/space/interest-grid.js';
import { checkSystems } from './check-systems.js';
import type { GameSystem } from './define-game.js';
import type { PlayerEntity } from './player-entity.js';
import type { Space } from './space.js';

/** Default time a space lives without players before it is disposed. */
export const DEFAULT_EMPTY_GRACE_MS = 30_000;

/** A space's interest grid: who sees whom, and the neighbour queries of game code. */
export interface SpaceInterestOptions {
  /** The component whose hot `x` and `y` place an entity on the grid; entities without it are not on it. */
  position: ComponentClass;
  /** Side of one grid cell, in world units (> 0); about the view radius is a good start. */
  cellSize: number;
  /** How far a player sees, in world units (> 0, at most 32 cells). */
  viewRadius: number;
}

/** What a game declares of one space type. */
export interface SpaceDefinition {
  /** The space world's systems, run in this order each step (the same forms as the game's). */
  systems?: readonly GameSystem[];
  /** Steps per second of the space's world, 1 to 1,000 (default: the lobby's `tickHz`). */
  tickHz?: number;
  /** Most players at once (default: no cap); entering a full space fails with SPACE_ERR_FULL. */
  maxPlayers?: number;
  /**
   * True: the entities in it (players aside) with persistent fields are saved, and created again
   * when a space of the same id is created again (`space.restored` is then true). Default false:
   * they are never saved, and end with the space.
   */
  persist?: boolean;
  /** How long it lives with no player before it is disposed, in ms (default 30,000); 0: never disposed for being empty. */
  emptyGraceMs?: number;
  /** Its interest grid; without one, `nearby` queries throw. */
  interest?: SpaceInterestOptions;
  /** Runs once the space exists, with the `data` it was created with: spawn its entities here. */
  onCreate?(space: Space, data: unknown): void | Promise<void>;
  /** Runs in the player's queue once the player is in the space. */
  onPlayerEnter?(space: Space, player: PlayerEntity): void | Promise<void>;
  /** Runs in the player's queue before the player leaves the space (for another, or going offline). */
  onPlayerLeave?(space: Space, player: PlayerEntity): void | Promise<void>;
  /** Runs when the last player has left; the space is disposed `emptyGraceMs` later unless one comes. */
  onEmpty?(space: Space): void | Promise<void>;
  /**
   * Runs when the lobby hosting the space begins to drain, before its players are moved to the
   * start space of another lobby (each then leaves this space, `onPlayerLeave`): the last chance
   * to finish what the space is for, such as ending a match and telling its players the result.
   * The space itself, with its other entities, stays on the draining lobby and ends with it.
   */
  onDrain?(space: Space): void | Promise<void>;
}

const defined = new WeakSet<object>();

const HOOKS = ['onCreate', 'onPlayerEnter', 'onPlayerLeave', 'onEmpty', 'onDrain'] as const;

/**
 * Checks a space type's declaration and returns it frozen.
 * @throws Error naming what is wrong: systems as for `defineGame` (and none faster than the
 *   space's `tickHz`), a `tickHz` outside 1..1000, a `maxPlayers` that is not an integer >= 1, an
 *   `emptyGraceMs` that is not an integer >= 0, a `persist` that is not a boolean, an interest
 *   grid whose position component has no hot `x` and `y`, whose sizes are not positive or whose
 *   view radius spans more than 32 cells, a hook
 *   that is not a function.
 */
export function defineSpace<S extends SpaceDefinition>(space: S): Readonly<S> {
  const fail = (message: string): never => {
    throw new Error(`defineSpace: ${message}`);
  };
  if (typeof space !== 'object' || space === null) fail('the definition must be an object');
  const { tickHz, maxPlayers, emptyGraceMs, persist, interest } = space;
  if (tickHz !== undefined && !(Number.isFinite(tickHz) && tickHz >= 1 && tickHz <= 1_000)) fail(`tickHz must be 1 to 1000, got ${tickHz}`);
  checkSystems(space.systems, fail, tickHz);
  if (maxPlayers !== undefined && !(Number.isInteger(maxPlayers) && maxPlayers >= 1)) fail(`maxPlayers must be an integer >= 1, got ${maxPlayers}`);
  if (emptyGraceMs !== undefined && !(Number.isInteger(emptyGraceMs) && emptyGraceMs >= 0)) fail(`emptyGraceMs must be an integer >= 0, got ${emptyGraceMs}`);
  if (persist !== undefined && typeof persist !== 'boolean') fail('persist must be true or false');
  if (interest !== undefined) checkInterest(interest, fail);
  for (const hook of HOOKS) {
    if (space[hook] !== undefined && typeof space[hook] !== 'function') fail(`${hook} must be a function`);
  }
  const frozen = Object.freeze(space);
  defined.add(frozen);
  return frozen;
}

/** Whether `value` came out of {@link defineSpace}. */
export function isSpaceDefinition(value: unknown): value is SpaceDefinition {
  return typeof value === 'object' && value !== null && defined.has(value);
}

function checkInterest(interest: SpaceInterestOptions, fail: (message: string) => never): void {
  if (typeof interest !== 'object' || interest === null) fail('interest must be { position, cellSize, viewRadius }');
  const { position, cellSize, viewRadius } = interest;
  const hot = typeof position === 'function' ? (position as { hot?: unknown }).hot : undefined;
  if (typeof hot !== 'object' || hot === null || !('x' in hot) || !('y' in hot)) {
    fail('interest.position must be a component class with hot fields x and y');
  }
  for (const [name, value] of [['cellSize', cellSize], ['viewRadius', viewRadius]] as const) {
    if (!(Number.isFinite(value) && value > 0)) fail(`interest.${name} must be a positive number, got ${value}`);
  }
  // A query's cost grows with (radius / cellSize)²: the grid refuses more than MAX_RADIUS_CELLS.
  if (viewRadius / cellSize > MAX_RADIUS_CELLS) fail(`interest.viewRadius ${viewRadius} spans more than ${MAX_RADIUS_CELLS} cells of ${cellSize}`);
}
