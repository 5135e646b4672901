/**
 * Route rules: what the gate does with a client's route before forwarding it. `block` refuses it,
 * `pass` lets it through even before authentication (public services: server time, news), `auth`
 * lets it through only on an authenticated session. A rule's pattern is an exact route, a prefix
 * ending in `*` (`admin.*`), or `*`; the longest matching pattern wins; routes no rule matches
 * need authentication. Rules are replaced as a whole on reload, without a restart.
 */

/** What to do with a route. */
export type RouteAction = 'block' | 'pass' | 'auth';

/** Patterns to actions, as in the configuration. */
export type RouteRuleSet = Readonly<Record<string, RouteAction>>;

const ACTIONS = new Set<string>(['block', 'pass', 'auth']);

/** The rules in force; swapped atomically by {@link RouteRules.replace}. */
export class RouteRules {
  private exact = new Map<string, RouteAction>();
  private prefixes: [string, RouteAction][] = [];
  private fallback: RouteAction = 'auth';
  private readonly cache = new Map<string, RouteAction>();

  /** @throws Error for an unknown action or an empty pattern. */
  constructor(rules: RouteRuleSet = {}) {
    this.replace(rules);
  }

  /**
   * Replaces every rule at once.
   * @throws Error for an unknown action or an empty pattern; the old rules stay in force.
   */
  replace(rules: RouteRuleSet): void {
    const exact = new Map<string, RouteAction>();
    const prefixes: [string, RouteAction][] = [];
    let fallback: RouteAction = 'auth';
    for (const [pattern, action] of Object.entries(rules)) {
      if (!ACTIONS.has(action)) throw new Error(`route rules: ${pattern}: unknown action ${JSON.stringify(action)}`);
      if (pattern === '') throw new Error('route rules: empty pattern');
      if (pattern === '*') fallback = action;
      else if (pattern.endsWith('*')) prefixes.push([pattern.slice(0, -1), action]);
      else exact.set(pattern, action);
    }
    prefixes.sort((a, b) => b[0].length - a[0].length);
    this.exact = exact;
    this.prefixes = prefixes;
    this.fallback = fallback;
    this.cache.clear();
  }

  /** The action for `route`. */
  actionFor(route: string): RouteAction {
    const exact = this.exact.get(route);
    if (exact) return exact;
    const cached = this.cache.get(route);
    if (cached) return cached;
    const action = this.prefixes.find(([prefix]) => route.startsWith(prefix))?.[1] ?? this.fallback;
    // Routes are client-chosen strings: the cache must not grow without bound.
    if (this.cache.size >= 4096) this.cache.clear();
    this.cache.set(route, action);
    return action;
  }
}
