/**
 * Selection policies: which server (a lobby for a new session, a gate for a login) to pick from
 * the candidates discovery knows. Simple functions for one-off picks, {@link createSelector} for a
 * configured policy; every policy returns `undefined` for an empty list.
 */
import { ConsistentHashSelector } from './consistent-hash.js';
import type { ServerInfo } from './discovery.js';
import { LeastLoadSelector } from './least-load-selector.js';

export { ConsistentHashSelector, DEFAULT_REPLICAS, HashRing, hash32 } from './consistent-hash.js';
export { LeastLoadSelector } from './least-load-selector.js';

/** How a pick is made. */
export interface SelectOptions {
  /**
   * The pick places nothing that stays on the server (a request before login, not a session):
   * policies that count their picks ({@link LeastLoadSelector}) do not count it.
   */
  readonly peek?: boolean;
}

/** Picks one server among candidates. */
export interface Selector {
  /**
   * @param servers the candidates, e.g. `discovery.servers('lobby')`.
   * @param key what the pick is for (a user id, a room id); consistent hashing needs it.
   */
  select(servers: readonly ServerInfo[], key?: string, options?: SelectOptions): ServerInfo | undefined;
}

/** A configured selection policy. */
export type SelectionPolicy =
  /**
   * The lowest score; by default fewest sessions (counting the picks made since the server's last
   * load report, {@link LeastLoadSelector}), then fewest entities, then least CPU.
   */
  | { kind: 'least-load'; score?: (server: ServerInfo, picksSinceReport: number) => number }
  /** Uniformly at random; `random` returns [0, 1) (default `Math.random`). */
  | { kind: 'random'; random?: () => number }
  /** Each server in turn, in id order. */
  | { kind: 'round-robin' }
  /** The same key goes to the same server while the set of servers stays the same. */
  | { kind: 'consistent-hash'; replicas?: number }
  /** The game's own rule. */
  | { kind: 'function'; select: (servers: readonly ServerInfo[], key: string | undefined) => ServerInfo | undefined };

/**
 * The servers that take new work: those not draining ({@link ServerInfo.draining}). Every pick of
 * a server for something new (a session, a login, a match, a space, a global) chooses among these.
 */
export function serving(servers: readonly ServerInfo[]): ServerInfo[] {
  return servers.filter((server) => server.draining !== true);
}

/** The default least-load order: sessions, then entities, then CPU, then id (so ties always break the same way). */
export function compareLoad(a: ServerInfo, b: ServerInfo): number {
  return a.load.sessions - b.load.sessions || a.load.entities - b.load.entities || a.load.cpu - b.load.cpu || compareIds(a, b);
}

function compareIds(a: ServerInfo, b: ServerInfo): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The least loaded server.
 * @param score lower is less loaded; ties go to the lowest id. Default: {@link compareLoad}.
 */
export function leastLoaded(servers: readonly ServerInfo[], score?: (server: ServerInfo) => number): ServerInfo | undefined {
  let best: ServerInfo | undefined;
  let bestScore = 0;
  for (const s of servers) {
    if (!score) {
      if (!best || compareLoad(s, best) < 0) best = s;
      continue;
    }
    const value = score(s);
    if (!best || value < bestScore || (value === bestScore && compareIds(s, best) < 0)) {
      best = s;
      bestScore = value;
    }
  }
  return best;
}

/**
 * A server chosen uniformly at random.
 * @param random returns a number in [0, 1) (default `Math.random`); tests pass their own.
 */
export function pickRandom(servers: readonly ServerInfo[], random: () => number = Math.random): ServerInfo | undefined {
  if (servers.length === 0) return undefined;
  // Clamped, so that a random function returning 1 cannot index past the end.
  return servers[Math.min(servers.length - 1, Math.max(0, Math.floor(random() * servers.length)))];
}

/**
 * Each server in turn, in id order. It remembers the last id picked rather than a position, so a
 * server joining or leaving does not make it skip or repeat the others.
 */
export class RoundRobinSelector implements Selector {
  private lastId: string | undefined;

  select(servers: readonly ServerInfo[]): ServerInfo | undefined {
    let next: ServerInfo | undefined;
    let first: ServerInfo | undefined;
    for (const s of servers) {
      if (!first || s.id < first.id) first = s;
      if (this.lastId !== undefined && s.id > this.lastId && (!next || s.id < next.id)) next = s;
    }
    const picked = next ?? first;
    if (picked) this.lastId = picked.id;
    return picked;
  }
}

/**
 * A {@link Selector} for a policy. Round robin and consistent hashing keep state (the last pick,
 * the ring), so use one selector per purpose.
 * @throws TypeError for an unknown policy kind.
 */
export function createSelector(policy: SelectionPolicy): Selector {
  switch (policy.kind) {
    case 'least-load':
      return new LeastLoadSelector(policy.score);
    case 'random': {
      const random = policy.random ?? Math.random;
      return { select: (servers) => pickRandom(servers, random) };
    }
    case 'round-robin':
      return new RoundRobinSelector();
    case 'consistent-hash':
      return new ConsistentHashSelector(policy.replicas);
    case 'function': {
      const select = policy.select;
      return { select: (servers, key) => (servers.length === 0 ? undefined : select(servers, key)) };
    }
    default:
      throw new TypeError(`unknown selection policy ${JSON.stringify((policy as { kind: unknown }).kind)}`);
  }
}
