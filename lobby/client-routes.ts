/**
 * Where a forwarded client route leads. A route is `scope.method`: a client service registered
 * by name with an explicit list of methods (login, lobby-wide lookups; these may run before
 * authentication), else a component of the session's avatar, whose callable methods are those in
 * its class's `clientCallable`. Services are looked up first; a service may not take the name of
 * an avatar component, so the two never shadow each other.
 */
import { LobbyError } from './errors.js';
import type { PlayerEntity } from './player-entity.js';
import type { RemoteSession } from './remote-session.js';

/** Who calls a client service method: passed as its first argument. */
export interface ClientCaller {
  /** The session id; empty for routes that pass before authentication. */
  readonly sessionId: string;
  /** The session's stand-in, when there is a session. */
  readonly session: RemoteSession | undefined;
  /** The session's avatar, when there is a session. */
  readonly avatar: PlayerEntity | undefined;
}

/** A route split into its two names. */
export interface ParsedRoute {
  scope: string;
  method: string;
}

/**
 * The route that lists the routes a session may call (docs/protocol.md#sysroutes): the gate
 * forwards it to the session's lobby, which answers it here.
 */
export const LIST_ROUTES = { scope: 'sys', method: 'routes' } as const;

/** A resolved route, ready to run on decoded arguments. */
export type ClientInvocation = (args: unknown[]) => unknown;

const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

/** Routes kept parsed at most: far more than a game's callable routes, so never reached but by a bug. */
const MAX_KNOWN_ROUTES = 4_096;

/**
 * Splits `route` into scope and method.
 * @throws LobbyError LOBBY_ERR_UNKNOWN_ROUTE for anything but `name.name` within `maxLength`.
 */
export function parseRoute(route: unknown, maxLength: number): ParsedRoute {
  if (typeof route !== 'string' || route.length > maxLength) {
    throw new LobbyError('LOBBY_ERR_UNKNOWN_ROUTE', typeof route === 'string' ? `route longer than ${maxLength}` : 'route is not a string');
  }
  const dot = route.indexOf('.');
  const scope = route.slice(0, dot);
  const method = route.slice(dot + 1);
  if (dot < 0 || !NAME.test(scope) || !NAME.test(method)) throw new LobbyError('LOBBY_ERR_UNKNOWN_ROUTE', `bad route ${JSON.stringify(route)}`);
  return { scope, method };
}

interface ClientService {
  impl: Record<string, (...args: unknown[]) => unknown>;
  methods: ReadonlySet<string>;
}

/** The client services of one lobby and the lookup of routes. */
export class ClientRoutes {
  private readonly services = new Map<string, ClientService>();
  /** Routes that resolved once, parsed. */
  private readonly known = new Map<string, ParsedRoute>();

  /**
   * @param componentNames class names of the avatar's components, which services may not take.
   * @param maxRouteLength longest route accepted (default 128).
   */
  constructor(
    private readonly componentNames: ReadonlySet<string>,
    private readonly maxRouteLength = 128,
  ) {}

  /**
   * Registers a client service: `impl`'s `methods` become routes `name.method`, called as
   * `impl.method(caller, ...args)` with the {@link ClientCaller} first. With `replace`, a service
   * of that name is replaced (a reload of the game's code gives it new methods).
   * @throws Error for a bad name, a taken one (unless `replace`), a name of an avatar component, or a listed method
   *   that is not a function of `impl`.
   */
  serve(name: string, impl: object, methods: readonly string[], replace = false): void {
    if (!NAME.test(name)) throw new Error(`serveClient: bad service name ${JSON.stringify(name)}`);
    if (name === LIST_ROUTES.scope) throw new Error(`serveClient: ${name} is reserved for the engine's routes`);
    if (this.services.has(name) && !replace) throw new Error(`serveClient: ${name} is registered already`);
    if (this.componentNames.has(name)) throw new Error(`serveClient: ${name} is the name of an avatar component`);
    for (const method of methods) {
      if (!NAME.test(method) || typeof (impl as Record<string, unknown>)[method] !== 'function') throw new Error(`serveClient: ${name}.${method} is not a method`);
    }
    this.services.set(name, { impl: impl as ClientService['impl'], methods: new Set(methods) });
  }

  /**
   * Finds what `route` runs for `caller`. Routes that resolved once are kept parsed, so that a
   * route a client calls again is neither split nor matched again (only callable routes are
   * kept, and a game has a fixed number of those).
   * @throws LobbyError LOBBY_ERR_UNKNOWN_ROUTE (not `name.name` within the length cap, no such
   *   service or component), LOBBY_ERR_NOT_CALLABLE (not a listed or client-callable method),
   *   LOBBY_ERR_NOT_AUTHENTICATED (a component route without a session).
   */
  resolve(route: unknown, caller: ClientCaller): ClientInvocation {
    const known = typeof route === 'string' ? this.known.get(route) : undefined;
    const parsed = known ?? parseRoute(route, this.maxRouteLength);
    const invocation = this.find(parsed, caller);
    if (!known && this.known.size < MAX_KNOWN_ROUTES) this.known.set(route as string, parsed);
    return invocation;
  }

  private find(route: ParsedRoute, caller: ClientCaller): ClientInvocation {
    const { scope, method } = route;
    if (scope === LIST_ROUTES.scope && method === LIST_ROUTES.method) return () => this.list(caller);
    const service = this.services.get(scope);
    if (service) {
      if (!service.methods.has(method)) throw new LobbyError('LOBBY_ERR_NOT_CALLABLE', `${scope}.${method} is not a method of client service ${scope}`);
      const fn = service.impl[method]!;
      return (args) => fn.call(service.impl, caller, ...args);
    }
    const avatar = caller.avatar;
    if (!avatar) {
      if (this.componentNames.has(scope)) throw new LobbyError('LOBBY_ERR_NOT_AUTHENTICATED', `${scope}.${method}`);
      throw new LobbyError('LOBBY_ERR_UNKNOWN_ROUTE', `no client service ${scope}`);
    }
    const component = avatar.componentNamed(scope) as Record<string, unknown> | undefined;
    if (!component) throw new LobbyError('LOBBY_ERR_UNKNOWN_ROUTE', `no client service ${scope} and ${avatar.typeName} has no component ${scope}`);
    const callable = (component.constructor as { clientCallable?: readonly string[] }).clientCallable;
    const fn = component[method];
    if (!callable?.includes(method) || typeof fn !== 'function') {
      throw new LobbyError('LOBBY_ERR_NOT_CALLABLE', `${scope}.${method} is not in ${scope}.clientCallable`);
    }
    return (args) => (fn as (...a: unknown[]) => unknown).apply(component, args);
  }

  /**
   * The routes `caller` may call, sorted: every client service's methods, and, with an avatar, the
   * `clientCallable` methods of its components.
   */
  list(caller: ClientCaller): string[] {
    const routes: string[] = [];
    for (const [name, service] of this.services) for (const method of service.methods) routes.push(`${name}.${method}`);
    const avatar = caller.avatar;
    if (avatar) {
      for (const name of this.componentNames) {
        const component = avatar.componentNamed(name) as Record<string, unknown> | undefined;
        const callable = (component?.constructor as { clientCallable?: readonly string[] } | undefined)?.clientCallable ?? [];
        for (const method of callable) if (typeof component?.[method] === 'function') routes.push(`${name}.${method}`);
      }
    }
    return routes.sort();
  }
}
