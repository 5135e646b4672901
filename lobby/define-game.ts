/**
 * A game as a module: what the engine needs to run it, in one object that the game's module
 * exports (`export default defineGame({...})`). A lobby loads it from `lobby.game` (or `--game`)
 * and registers its entity types, its player type, its systems in order, its services, and runs
 * its start and stop hooks. The engine imports nothing from any game.
 */
import type { EntityClass } from '../engine/ecs/entity.js';
import { GATE_SERVICE, LOBBY_SESSIONS_SERVICE } from '../engine/session/session-contract.js';
import type { System } from '../engine/ecs/world.js';
import type { GameContext } from './game-context.js';
import { checkGlobals, type GlobalDefinition } from './check-globals.js';
import { checkSystems } from './check-systems.js';
import { isSpaceDefinition, type SpaceDefinition } from './define-space.js';
import { PlayerEntity } from './player-entity.js';
import { Service, type ServiceClass } from './service.js';
import { SPACE_SERVICE } from './space-service.js';

/** A system with a name and, optionally, its own rate. */
export interface NamedSystem {
  /** Unique among the game's systems; in logs and counters. */
  name: string;
  run: System;
  /**
   * Runs per second; at most the lobby's `tickHz`, which is the default. A slower system runs every
   * Nth tick (N = tickHz / hz, rounded) and gets the time since its last run as `dt`.
   */
  hz?: number;
}

/** A system as a game lists it: a named function, or a {@link NamedSystem}. */
export type GameSystem = System | NamedSystem;

/** Everything a lobby needs to run a game. */
export interface GameDefinition {
  /** The game's name, in logs and load reports: letters, digits, `-` and `_`. */
  name: string;
  /** Entity classes by type name; the names are also the store's collection names. */
  entities: Readonly<Record<string, EntityClass>>;
  /** The type of players' avatars: a {@link PlayerEntity} subclass listed in `entities`. */
  player: EntityClass<PlayerEntity>;
  /** Systems, run in this order on every tick (or at their own rate). */
  systems?: readonly GameSystem[];
  /** Services by name: clients call `name.method`, other servers `service(serverId, name)`. */
  services?: Readonly<Record<string, ServiceClass>>;
  /**
   * Space types by name (a scene, a match, the open world), each made with `defineSpace`: a lobby
   * hosts any number of spaces of each, every one with its own world (lobby/space.ts).
   */
  spaces?: Readonly<Record<string, SpaceDefinition>>;
  /**
   * A space type of `spaces`: a player who binds to a lobby without being sent to a space enters
   * that lobby's space of this type (`<type>@<lobbyId>`, created on first use). Without it,
   * players stay in the lobby's own world.
   */
  startSpace?: string;
  /**
   * Global entities by name: singletons of which exactly one instance runs in the cluster (a world
   * boss, a leaderboard), loaded (or created, the very first time) by one lobby and taken over by
   * another when that lobby dies or drains. Any server calls one with `global(name)`; see
   * docs/cluster.md.
   */
  globals?: Readonly<Record<string, GlobalDefinition>>;
  /** Runs once the lobby has started, before it takes players: spawn or load world entities here. */
  onStart?(game: GameContext): void | Promise<void>;
  /** Runs when the lobby stops, before its final save. */
  onStop?(game: GameContext): void | Promise<void>;
}

const GAME_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** RPC services every lobby or gate serves itself (engine/session/session-contract.ts). */
const ENGINE_SERVICES: ReadonlySet<string> = new Set([LOBBY_SESSIONS_SERVICE, GATE_SERVICE, SPACE_SERVICE]);

/**
 * Checks a game's definition and returns it frozen. Entity classes are checked again, more deeply,
 * when a lobby registers them.
 * @throws Error naming what is wrong: a bad name, a player type that is not listed or not a
 *   PlayerEntity, a system without a name or with a bad rate, two systems of one name, a service
 *   that is not a {@link Service} class, a space type with a bad name or not made by
 *   `defineSpace`, a `startSpace` that names no declared space type, a global with a bad name,
 *   an undeclared type or an id another global has.
 */
export function defineGame<G extends GameDefinition>(game: G): Readonly<G> {
  const fail = (message: string): never => {
    throw new Error(`defineGame(${typeof game?.name === 'string' ? game.name : '?'}): ${message}`);
  };
  if (typeof game !== 'object' || game === null) fail('the definition must be an object');
  if (typeof game.name !== 'string' || !GAME_NAME.test(game.name)) fail(`bad name ${JSON.stringify(game.name)}`);
  if (typeof game.entities !== 'object' || game.entities === null) fail('entities must map type names to Entity classes');
  const types = new Set(Object.values(game.entities));
  if (!types.has(game.player)) fail('player must be one of the classes listed in entities');
  if (!(game.player.prototype instanceof PlayerEntity)) fail(`player ${game.player.name} does not extend PlayerEntity`);
  checkSystems(game.systems, fail);
  checkSpaces(game, fail);
  checkGlobals(game.globals, game.entities, fail);
  for (const [name, cls] of Object.entries(game.services ?? {})) {
    if (typeof cls !== 'function' || !(cls.prototype instanceof Service)) fail(`service ${name} is not a Service class`);
    if (ENGINE_SERVICES.has(name)) fail(`service name ${name} is the engine's own`);
  }
  for (const hook of ['onStart', 'onStop'] as const) {
    if (game[hook] !== undefined && typeof game[hook] !== 'function') fail(`${hook} must be a function`);
  }
  return Object.freeze(game);
}

/** Space type names: as game names. */
const SPACE_TYPE = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

function checkSpaces(game: GameDefinition, fail: (message: string) => never): void {
  if (game.spaces !== undefined && (typeof game.spaces !== 'object' || game.spaces === null)) fail('spaces must map space type names to defineSpace(...) results');
  for (const [type, space] of Object.entries(game.spaces ?? {})) {
    if (!SPACE_TYPE.test(type)) fail(`bad space type name ${JSON.stringify(type)}`);
    if (!isSpaceDefinition(space)) fail(`space ${type} is not made by defineSpace`);
  }
  if (game.startSpace !== undefined && !Object.hasOwn(game.spaces ?? {}, game.startSpace)) {
    fail(`startSpace ${JSON.stringify(game.startSpace)} is not one of the space types declared in spaces`);
  }
}

