import { describe, expect, it } from 'vitest';
import type { LoadReport, ServerInfo } from './discovery.js';
import { compareLoad, createSelector, leastLoaded, pickRandom, RoundRobinSelector, serving, type SelectionPolicy } from './select.js';

function server(id: string, load: Partial<LoadReport> = {}): ServerInfo {
  return { id, type: 'lobby', address: `${id}:7000`, version: '1', startedAt: 0, load: { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0, ...load }, meta: {} };
}

describe('serving', () => {
  it('leaves out the servers marked draining, keeping the order of the others', () => {
    const servers = [server('a'), { ...server('b'), draining: true }, server('c'), { ...server('d'), draining: false }];
    expect(serving(servers).map((s) => s.id)).toEqual(['a', 'c', 'd']);
    expect(serving([])).toEqual([]);
  });
});

describe('least load', () => {
  it('picks the fewest sessions, then the fewest entities, then the least CPU, then the lowest id', () => {
    expect(leastLoaded([server('a', { sessions: 5 }), server('b', { sessions: 2 }), server('c', { sessions: 9 })])?.id).toBe('b');
    expect(leastLoaded([server('a', { sessions: 2, entities: 9 }), server('b', { sessions: 2, entities: 3 })])?.id).toBe('b');
    expect(leastLoaded([server('a', { cpu: 0.5 }), server('b', { cpu: 0.25 })])?.id).toBe('b');
    expect(leastLoaded([server('c'), server('a'), server('b')])?.id).toBe('a');
    expect(compareLoad(server('a'), server('a'))).toBe(0);
  });

  it('uses a custom score, lower first, ties to the lowest id', () => {
    const byLag = (s: ServerInfo): number => s.load.eventLoopLagMs;
    expect(leastLoaded([server('a', { eventLoopLagMs: 9 }), server('b', { eventLoopLagMs: 1 })], byLag)?.id).toBe('b');
    expect(leastLoaded([server('z'), server('y')], byLag)?.id).toBe('y');
  });
});

describe('random', () => {
  it('indexes the list with the injected random function', () => {
    const servers = [server('a'), server('b'), server('c')];
    expect(pickRandom(servers, () => 0)?.id).toBe('a');
    expect(pickRandom(servers, () => 0.5)?.id).toBe('b');
    expect(pickRandom(servers, () => 0.999)?.id).toBe('c');
    expect(pickRandom(servers, () => 1)?.id).toBe('c');
  });
});

describe('round robin', () => {
  it('cycles through the servers in id order', () => {
    const rr = new RoundRobinSelector();
    const servers = [server('b'), server('c'), server('a')];
    expect(Array.from({ length: 7 }, () => rr.select(servers)?.id)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  it('goes on from the last server picked when servers join and leave', () => {
    const rr = new RoundRobinSelector();
    expect(rr.select([server('a'), server('c')])?.id).toBe('a');
    expect(rr.select([server('a'), server('b'), server('c')])?.id).toBe('b');
    expect(rr.select([server('a'), server('c')])?.id).toBe('c');
    expect(rr.select([server('a'), server('b')])?.id).toBe('a');
  });
});

describe('createSelector', () => {
  const servers = [server('a', { sessions: 3 }), server('b', { sessions: 1 })];

  it('builds each policy', () => {
    expect(createSelector({ kind: 'least-load' }).select(servers)?.id).toBe('b');
    expect(createSelector({ kind: 'least-load', score: (s) => -s.load.sessions }).select(servers)?.id).toBe('a');
    expect(createSelector({ kind: 'random', random: () => 0.9 }).select(servers)?.id).toBe('b');
    const rr = createSelector({ kind: 'round-robin' });
    expect([rr.select(servers)?.id, rr.select(servers)?.id, rr.select(servers)?.id]).toEqual(['a', 'b', 'a']);
    const hash = createSelector({ kind: 'consistent-hash', replicas: 50 });
    expect(hash.select(servers, 'uid:1')?.id).toBe(hash.select([...servers].reverse(), 'uid:1')?.id);
    const seen: Array<string | undefined> = [];
    const custom = createSelector({
      kind: 'function',
      select: (list, key) => {
        seen.push(key);
        return list.find((s) => s.id === 'a');
      },
    });
    expect(custom.select(servers, 'room:1')?.id).toBe('a');
    expect(seen).toEqual(['room:1']);
  });

  it('returns undefined for an empty list under every policy', () => {
    const policies: SelectionPolicy[] = [
      { kind: 'least-load' },
      { kind: 'random' },
      { kind: 'round-robin' },
      { kind: 'consistent-hash' },
      { kind: 'function', select: () => server('never') },
    ];
    for (const policy of policies) expect(createSelector(policy).select([], 'k'), policy.kind).toBeUndefined();
  });

  it('refuses an unknown policy', () => {
    expect(() => createSelector({ kind: 'fastest' } as unknown as SelectionPolicy)).toThrow(TypeError);
  });
});
