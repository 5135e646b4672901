import { describe, expect, it } from 'vitest';
import { ConsistentHashSelector, HashRing, hash32 } from './consistent-hash.js';
import type { ServerInfo } from './discovery.js';

const server = (id: string): ServerInfo => ({
  id,
  type: 'lobby',
  address: `${id}:7000`,
  version: '1',
  startedAt: 0,
  load: { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 },
  meta: {},
});

const ids = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `lobby-host-${from + i}`);
const KEYS = Array.from({ length: 10_000 }, (_, i) => `user:${i}`);

function place(ring: HashRing): string[] {
  return KEYS.map((k) => ring.lookup(k)!);
}

describe('hash32', () => {
  it('is FNV-1a with murmur3 finalisation: fixed values, unsigned 32-bit', () => {
    expect([hash32('a'), hash32('b'), hash32('lobby-1#0')].every((h) => Number.isInteger(h) && h >= 0 && h < 2 ** 32)).toBe(true);
    expect(hash32('lobby-1#0')).not.toBe(hash32('lobby-1#1'));
    // Pinned (checked against an independent implementation), so that a change of hash, which would
    // move every key in a running cluster, is noticed.
    expect([hash32(''), hash32('a'), hash32('user:1')]).toMatchInlineSnapshot(`
      [
        2872998923,
        444641715,
        1763983599,
      ]
    `);
  });
});

describe('HashRing', () => {
  it('spreads 10,000 keys over 10 servers within 25% of an even share', () => {
    const counts = new Map<string, number>();
    for (const id of place(new HashRing(ids(10)))) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(counts.size).toBe(10);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(750);
      expect(n).toBeLessThan(1_250);
    }
  });

  it('moves only the keys of a server that leaves: about a tenth of them', () => {
    const before = place(new HashRing(ids(10)));
    const gone = 'lobby-host-3';
    const after = place(new HashRing(ids(10).filter((id) => id !== gone)));
    let moved = 0;
    for (let i = 0; i < KEYS.length; i++) {
      if (before[i] === after[i]) continue;
      moved++;
      expect(before[i]).toBe(gone);
    }
    expect(moved).toBe(before.filter((id) => id === gone).length);
    expect(moved / KEYS.length).toBeGreaterThan(0.06);
    expect(moved / KEYS.length).toBeLessThan(0.14);
  });

  it('moves about an eleventh of the keys, all to the new server, when one joins', () => {
    const before = place(new HashRing(ids(10)));
    const after = place(new HashRing(ids(11)));
    let moved = 0;
    for (let i = 0; i < KEYS.length; i++) {
      if (before[i] === after[i]) continue;
      moved++;
      expect(after[i]).toBe('lobby-host-10');
    }
    expect(moved / KEYS.length).toBeGreaterThan(0.05);
    expect(moved / KEYS.length).toBeLessThan(0.13);
  });

  it('does not depend on the order the ids are given in', () => {
    const a = place(new HashRing(ids(10)));
    const b = place(new HashRing(ids(10).reverse()));
    expect(b).toEqual(a);
  });

  it('finds nothing on an empty ring', () => {
    expect(new HashRing([]).lookup('k')).toBeUndefined();
  });
});

describe('ConsistentHashSelector', () => {
  it('returns the same server for a key while the set is unchanged, whatever the list order and load', () => {
    const selector = new ConsistentHashSelector();
    const servers = ids(5).map(server);
    const first = selector.select(servers, 'room:42');
    const shuffled = [...servers].reverse().map((s) => ({ ...s, load: { ...s.load, sessions: 9 } }));
    const again = selector.select(shuffled, 'room:42');
    expect(again?.id).toBe(first?.id);
    // The info comes from the list given, with its current load.
    expect(again?.load.sessions).toBe(9);
  });

  it('rebuilds its ring only when the set of ids changes', () => {
    const selector = new ConsistentHashSelector(10);
    const servers = ids(3).map(server);
    selector.select(servers, 'k');
    const ring = (selector as unknown as { ring: HashRing }).ring;
    selector.select([...servers].reverse(), 'k');
    expect((selector as unknown as { ring: HashRing }).ring).toBe(ring);
    selector.select(servers.slice(1), 'k');
    expect((selector as unknown as { ring: HashRing }).ring).not.toBe(ring);
  });

  it('returns undefined for no servers, and refuses a replica count out of range', () => {
    const selector = new ConsistentHashSelector();
    expect(selector.select([], 'k')).toBeUndefined();
    expect(selector.select([])).toBeUndefined();
    expect(() => new ConsistentHashSelector(0)).toThrow(RangeError);
  });

  it('picks a server without a key, spreading such picks over the servers', () => {
    const selector = new ConsistentHashSelector();
    const servers = ids(4).map(server);
    const picked = new Set(Array.from({ length: 200 }, () => selector.select(servers)?.id));
    expect(picked).toEqual(new Set(servers.map((s) => s.id)));
    expect(selector.select(servers, undefined)).toBeDefined();
  });
});
