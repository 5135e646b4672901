/**
 * What a call can reach: server services registered by name with an explicit list of callable
 * methods (like pitaya's remotes), and entities' components, whose callable methods are those in
 * the component class's `serverCallable`. Everything else answers with an error. Calls to an
 * entity with a queue run through it, one at a time with the entity's other work. An entity that
 * moved to another server (live migration) is followed: a call to it while it is leaving waits in
 * its queue, and a call that finds it gone answers RPC_ERR_ENTITY_MOVED with where it went.
 */
import { RpcError } from './errors.js';

/**
 * What RPC needs of an entity (an ECS `Entity` is one): its type for messages, and its components
 * by class name. A component's class lists its server-callable methods in `serverCallable`.
 */
export interface CallableEntity {
  readonly typeName: string;
  componentNamed(name: string): object | undefined;
  /** Where calls to the entity wait their turn (an ECS entity's queue); without one they run at once. */
  readonly queue?: SerialQueue;
}

/** A bounded queue that runs its tasks one at a time; an ECS `EntityQueue` is one. */
export interface SerialQueue {
  /** Queues `task`; `undefined` when the queue is full (nothing was queued). */
  offer<T>(task: () => T | Promise<T>): Promise<T> | undefined;
}

/** Finds live entities by id; an ECS `World` is one. */
export interface EntityDirectory {
  find(id: string): CallableEntity | undefined;
}

/**
 * Where entities that are no longer on this server went (a lobby's migration records).
 * `whereIs(id)` answers for an entity that is not live here, or whose call found it gone when its
 * turn came: the server to ask now (another one, or this one when it came back), the queue its
 * move runs in while it is leaving (calls wait there for the move's outcome), or undefined when
 * nothing is known of it.
 */
export interface EntityForwards {
  whereIs(id: string): string | SerialQueue | undefined;
}

/** A resolved method, ready to be applied to the call's arguments. */
export interface Invocation {
  fn: (...args: unknown[]) => unknown;
  self: object;
  /** An entity call's turn: its queue, and what to answer when its target left before its turn. */
  serial?: { queue: SerialQueue; gone: () => RpcError | undefined };
}

interface Service {
  impl: object;
  methods: ReadonlySet<string>;
}

const SERVICE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** The services and entities of one server. */
export class Targets {
  private readonly services = new Map<string, Service>();

  private forwards: EntityForwards | undefined;

  /**
   * @param entities where entity calls look their target up; none on servers without a world.
   * @param serverId this server's id, read at each use (a redirect back here).
   */
  constructor(
    private entities: EntityDirectory | undefined = undefined,
    private readonly serverId: () => string = () => '',
  ) {}

  /** Sets where entity calls look their target up. */
  setEntities(entities: EntityDirectory): void {
    this.entities = entities;
  }

  /** Sets where calls to entities that left this server are sent on. */
  setForwards(forwards: EntityForwards): void {
    this.forwards = forwards;
  }

  /**
   * Registers a service: `impl`'s `methods` become callable as `name.method`.
   * @throws Error for a bad or taken name, or a listed method that is not a function of `impl`.
   */
  serve(name: string, impl: object, methods: readonly string[]): void {
    if (!SERVICE_NAME.test(name)) throw new Error(`rpc: bad service name ${JSON.stringify(name)}`);
    if (this.services.has(name)) throw new Error(`rpc: service ${name} is registered already`);
    for (const method of methods) {
      if (typeof (impl as Record<string, unknown>)[method] !== 'function') throw new Error(`rpc: ${name}.${method} is not a method`);
    }
    this.services.set(name, { impl, methods: new Set(methods) });
  }

  /** Removes a service; calls to it then answer `RPC_ERR_NO_SUCH_SERVICE`. */
  unserve(name: string): void {
    this.services.delete(name);
  }

  /**
   * Finds the method a call names.
   * @param to the entity id, or null for a service.
   * @param scope the service or component name.
   * @returns the invocation, or the coded error to answer with.
   */
  resolve(to: string | null, scope: string, method: string): Invocation | RpcError {
    if (to === null) {
      const service = this.services.get(scope);
      if (!service) return new RpcError('RPC_ERR_NO_SUCH_SERVICE', scope);
      if (!service.methods.has(method)) return new RpcError('RPC_ERR_NOT_CALLABLE', `${scope}.${method}`);
      return { fn: (service.impl as Record<string, Invocation['fn']>)[method]!, self: service.impl };
    }
    const entity = this.entities?.find(to);
    if (!entity) return this.absent(to, scope, method);
    const component = entity.componentNamed(scope);
    if (!component) return new RpcError('RPC_ERR_NO_SUCH_COMPONENT', `${entity.typeName} ${to} has no ${scope}`);
    const callable = (component.constructor as { serverCallable?: readonly string[] }).serverCallable;
    if (!callable?.includes(method)) {
      return new RpcError('RPC_ERR_NOT_CALLABLE', `${scope}.${method} is not in ${scope}.serverCallable`);
    }
    const fn = (component as unknown as Record<string, Invocation['fn']>)[method]!;
    const { queue } = entity;
    if (!queue) return { fn, self: component };
    const gone = (): RpcError | undefined => (entity.componentNamed(scope) === component ? undefined : this.leftBeforeTurn(to));
    return { fn, self: component, serial: { queue, gone } };
  }

  // Not live here: moved away (answered with where), leaving now (the call waits for the move's
  // outcome in its queue), or unknown.
  private absent(to: string, scope: string, method: string): Invocation | RpcError {
    const where = this.forwards?.whereIs(to);
    if (where === undefined || where === this.serverId()) return new RpcError('RPC_ERR_NO_SUCH_ENTITY', to);
    if (typeof where === 'string') return new RpcError('RPC_ERR_ENTITY_MOVED', where);
    // Never run: once the move is over, its turn answers where the entity is.
    const fn = (): never => {
      throw new RpcError('RPC_ERR_NO_SUCH_ENTITY', `${to}.${scope}.${method}: its move left no trace`);
    };
    return { fn, self: this, serial: { queue: where, gone: () => this.leftBeforeTurn(to) } };
  }

  // A call's entity left while the call waited: where it is now when that is known.
  private leftBeforeTurn(to: string): RpcError {
    const where = this.forwards?.whereIs(to);
    if (where === undefined) return new RpcError('RPC_ERR_NO_SUCH_ENTITY', `${to} left before the call's turn`);
    // Leaving again: asked again here, the call waits for that move too.
    return new RpcError('RPC_ERR_ENTITY_MOVED', typeof where === 'string' ? where : this.serverId());
  }
}
