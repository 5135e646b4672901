/**
 * The base class of a game's services: behaviour that belongs to no entity (a profile lookup, a
 * leaderboard front, a shop catalogue). A game lists its services by name in `defineGame`; each
 * lobby makes one instance of each. Like a component, a service lists the methods clients may
 * call (route `<name>.<method>`, called as `method(caller, ...args)`) and those other servers may
 * call (`rpc.service(serverId, name).method(...args)`, called as `method(...args)`).
 *
 * A service has no queue of its own: a client's calls run in its avatar's queue (in order with
 * its other requests), but calls of different players and of other servers may interleave at
 * each `await`. Keep state that needs one-at-a-time changes in an entity.
 */
import type { GameContext } from './game-context.js';

/** A service class: constructible without arguments, with the statics of {@link Service}. */
export type ServiceClass<S extends Service = Service> = (new () => S) & Pick<typeof Service, 'clientCallable' | 'serverCallable'>;

/** Base class of a game's services. */
export abstract class Service {
  /** Methods clients may call, each as `method(caller, ...args)`. */
  static clientCallable: readonly string[] = [];

  /** Methods other servers may call, each as `method(...args)`. */
  static serverCallable: readonly string[] = [];

  private context: GameContext | undefined;

  /**
   * What game code reaches on this lobby: spawning and finding entities, RPC, sessions, the logger.
   * @throws Error before the lobby has started the service.
   */
  get game(): GameContext {
    if (!this.context) throw new Error(`${this.constructor.name}: the service has not been started by a lobby`);
    return this.context;
  }

  /** Called once the lobby has started, before the game's `onStart`. */
  onStart(): void | Promise<void> {}

  /** Called when the lobby stops, after the game's `onStop`. */
  onStop(): void | Promise<void> {}

  /** @internal Gives the service its context; only the lobby calls it. */
  attach(context: GameContext): void {
    this.context = context;
  }
}
