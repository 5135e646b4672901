/**
 * Consistent hashing: each server owns many points ("virtual nodes") on a 32-bit ring, and a key
 * goes to the server owning the first point at or after the key's hash. When a server leaves, only
 * the keys it owned move; when one joins, it takes about 1/n of the keys. Every process computes
 * the same ring from the same server ids, so all gates agree on where a key lives.
 */
import type { ServerInfo } from './discovery.js';

/** Virtual nodes per server by default: a 10-server ring is then balanced within a few percent. */
export const DEFAULT_REPLICAS = 160;

/**
 * 32-bit FNV-1a over the string's UTF-16 code units, then murmur3's finaliser, so that similar
 * inputs (`lobby-1#0`, `lobby-1#1`) land far apart on the ring.
 */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A hash ring over a set of server ids, built once per set. */
export class HashRing {
  /** Point positions, ascending. */
  private readonly points: Uint32Array;
  /** Index into `ids` of each point's owner. */
  private readonly owners: Uint32Array;

  /**
   * @param ids the servers, each at most once.
   * @param replicas points per server.
   */
  constructor(
    readonly ids: readonly string[],
    replicas: number = DEFAULT_REPLICAS,
  ) {
    const count = ids.length * replicas;
    const hashes = new Uint32Array(count);
    const owner = new Uint32Array(count);
    for (let s = 0; s < ids.length; s++) {
      for (let r = 0; r < replicas; r++) {
        hashes[s * replicas + r] = hash32(`${ids[s]}#${r}`);
        owner[s * replicas + r] = s;
      }
    }
    // Equal positions (rare) are ordered by id, so every process builds the same ring.
    const order = Array.from({ length: count }, (_, i) => i).sort(
      (a, b) => hashes[a]! - hashes[b]! || (ids[owner[a]!]! < ids[owner[b]!]! ? -1 : 1),
    );
    this.points = Uint32Array.from(order, (i) => hashes[i]!);
    this.owners = Uint32Array.from(order, (i) => owner[i]!);
  }

  /** The id of the server that owns `key`, or `undefined` for an empty ring. */
  lookup(key: string): string | undefined {
    const n = this.points.length;
    if (n === 0) return undefined;
    const h = hash32(key);
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.points[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    return this.ids[this.owners[lo === n ? 0 : lo]!];
  }
}

/**
 * Picks the server for a key by consistent hashing over whatever servers it is given, rebuilding
 * its ring only when the set of server ids changes. A pick without a key (a string) is spread over
 * the ring by hashing a counter instead, so that a caller with nothing to hash on never fails.
 */
export class ConsistentHashSelector {
  private ring: HashRing | undefined;
  private keyless = 0;
  private signature = '';
  private lastList: readonly ServerInfo[] | undefined;

  /**
   * @param replicas virtual nodes per server (default {@link DEFAULT_REPLICAS}).
   * @throws RangeError when `replicas` is not an integer from 1 to 10,000.
   */
  constructor(private readonly replicas: number = DEFAULT_REPLICAS) {
    if (!Number.isInteger(replicas) || replicas < 1 || replicas > 10_000) throw new RangeError(`replicas must be an integer from 1 to 10,000, got ${replicas}`);
  }

  /**
   * The server that owns `key` among `servers`, or `undefined` when there are none. Without a
   * string key, successive picks go to owners of successive counter values: spread, not sticky.
   */
  select(servers: readonly ServerInfo[], key?: string): ServerInfo | undefined {
    if (servers.length === 0) return undefined;
    const ring = this.ringFor(servers);
    const id = ring.lookup(typeof key === 'string' ? key : `#keyless:${(this.keyless = (this.keyless + 1) % 0x1_0000_0000)}`);
    return servers.find((s) => s.id === id);
  }

  private ringFor(servers: readonly ServerInfo[]): HashRing {
    if (this.ring && servers === this.lastList) return this.ring;
    const ids = [...new Set(servers.map((s) => s.id))].sort();
    const signature = ids.join('\n');
    if (!this.ring || signature !== this.signature) {
      this.ring = new HashRing(ids, this.replicas);
      this.signature = signature;
    }
    this.lastList = servers;
    return this.ring;
  }
}
