import { describe, expect, it } from 'vitest';
import type { LoadReport, ServerInfo } from './discovery.js';
import { LeastLoadSelector } from './least-load-selector.js';
import { withLoad } from './registration.js';
import { createSelector } from './select.js';

function server(id: string, load: Partial<LoadReport> = {}): ServerInfo {
  return { id, type: 'gate', address: `${id}:7000`, version: '1', startedAt: 0, load: { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0, ...load }, meta: {} };
}

const pickMany = (selector: LeastLoadSelector, servers: readonly ServerInfo[], n: number): string[] => Array.from({ length: n }, () => selector.select(servers)!.id);

describe('LeastLoadSelector', () => {
  it('spreads a burst of picks between two load reports instead of sending it all to the least loaded', () => {
    const selector = new LeastLoadSelector();
    const servers = [server('a', { sessions: 10 }), server('b', { sessions: 13 }), server('c', { sessions: 30 })];
    const picks = pickMany(selector, servers, 9);
    // a takes 3 until it has b's 13, then a and b take turns; c, 17 behind, gets none.
    expect(picks).toEqual(['a', 'a', 'a', 'a', 'b', 'a', 'b', 'a', 'b']);
    expect(picks.filter((id) => id === 'c')).toEqual([]);
  });

  it('forgets its picks of a server once that server reports its load again', () => {
    const selector = new LeastLoadSelector();
    let a = server('a', { sessions: 0 });
    const b = server('b', { sessions: 1 });
    expect(pickMany(selector, [a, b], 3)).toEqual(['a', 'a', 'b']);
    // a's report now counts the two players it got: 2 + 0 against b's 1 + 1, the tie to the fewer reported.
    a = withLoad(a, { ...a.load, sessions: 2 });
    expect(selector.select([a, b])?.id).toBe('b');
    // 2 against 1 + 2 (had the two picks of a been kept, a would be at 4 and b picked again).
    expect(selector.select([a, b])?.id).toBe('a');
    // The same report seen again keeps the count: a at 2 + 1, b at 1 + 2.
    expect(selector.select([a, b])?.id).toBe('b');
  });

  it('does not count a peek (a pick that places no session)', () => {
    const selector = new LeastLoadSelector();
    const servers = [server('a'), server('b', { sessions: 1 })];
    expect(Array.from({ length: 3 }, () => selector.select(servers, undefined, { peek: true })!.id)).toEqual(['a', 'a', 'a']);
    expect(pickMany(selector, servers, 3)).toEqual(['a', 'a', 'b']);
  });

  it('breaks ties by entities, CPU and id, as the plain least-load order does', () => {
    const selector = new LeastLoadSelector();
    expect(selector.select([server('b'), server('a')])?.id).toBe('a');
    expect(new LeastLoadSelector().select([server('a', { entities: 5 }), server('b', { entities: 1 })])?.id).toBe('b');
    expect(new LeastLoadSelector().select([])).toBeUndefined();
  });

  it('gives a custom score the picks since the last report, and is what the least-load policy makes', () => {
    const selector = createSelector({ kind: 'least-load', score: (s, picks) => s.load.cpu * 10 + picks });
    expect(selector).toBeInstanceOf(LeastLoadSelector);
    const servers = [server('a', { cpu: 0.1 }), server('b', { cpu: 0.2 })];
    expect(Array.from({ length: 4 }, () => selector.select(servers)!.id)).toEqual(['a', 'a', 'b', 'a']);
  });

  it('keeps counts only for the servers it was last given', () => {
    const selector = new LeastLoadSelector();
    pickMany(selector, [server('a'), server('b')], 4);
    expect(selector.select([server('c')])?.id).toBe('c');
    // a and b left and came back with new reports: nothing is remembered of them.
    expect(pickMany(selector, [server('a'), server('b'), server('c', { sessions: 5 })], 2)).toEqual(['a', 'b']);
  });
});
