import { describe, expect, it } from 'vitest';
import type { ClusterStats, ServerStats } from './admin-types.js';
import { StatsHistory } from './stats-history.js';

const lobby = (id: string, sessions: number, tickMs?: ServerStats['tickMs']): ServerStats => ({ id, type: 'lobby', ok: true, sessions, cpu: 0.25, eventLoopLagMs: 1.5, ...(tickMs ? { tickMs } : {}) });
const gate = (id: string, sessions: number): ServerStats => ({ id, type: 'gate', ok: true, sessions, cpu: 0.5, eventLoopLagMs: 2 });
const sample = (atSeconds: number, ...servers: ServerStats[]): ClusterStats => ({ at: atSeconds * 1000, servers });

describe('the history the load charts draw', () => {
  it('gives uPlot aligned columns: times in seconds, then one column per server in id order', () => {
    const history = new StatsHistory(10);
    history.add(sample(100, lobby('lobby-b', 1), gate('gate-a', 3)));
    history.add(sample(102, lobby('lobby-b', 2), gate('gate-a', 4)));
    expect(history.series('sessions')).toEqual({ servers: ['gate-a', 'lobby-b'], data: [[100, 102], [3, 4], [1, 2]] });
    expect(history.series('cpu').data.slice(1)).toEqual([[50, 50], [25, 25]]);
    expect(history.series('lag').data.slice(1)).toEqual([[2, 2], [1.5, 1.5]]);
  });

  it('keeps at most its capacity, the oldest sample leaving first', () => {
    const history = new StatsHistory(3);
    for (let t = 1; t <= 5; t++) history.add(sample(t, gate('gate-a', t)));
    expect(history.size).toBe(3);
    expect(history.series('sessions').data).toEqual([[3, 4, 5], [3, 4, 5]]);
  });

  it('ignores a sample not newer than the last, as a late answer to an earlier poll is', () => {
    const history = new StatsHistory(5);
    expect(history.add(sample(10, gate('gate-a', 1)))).toBe(true);
    expect(history.add(sample(10, gate('gate-a', 2)))).toBe(false);
    expect(history.add(sample(9, gate('gate-a', 3)))).toBe(false);
    expect(history.series('sessions').data).toEqual([[10], [1]]);
  });

  it('leaves a gap where a server did not answer or was not there, and drops a server once it has left the window', () => {
    const history = new StatsHistory(3);
    history.add(sample(1, gate('gate-a', 1), lobby('lobby-a', 5)));
    history.add(sample(2, gate('gate-a', 2), { id: 'lobby-a', type: 'lobby', ok: false }));
    history.add(sample(3, gate('gate-a', 3), gate('gate-b', 7)));
    expect(history.series('sessions')).toEqual({ servers: ['gate-a', 'gate-b', 'lobby-a'], data: [[1, 2, 3], [1, 2, 3], [null, null, 7], [5, null, null]] });
    history.add(sample(4, gate('gate-a', 4)));
    expect(history.series('sessions').servers).toEqual(['gate-a', 'gate-b']);
  });

  it('charts the tick time from the p99 when a server reports one, else the max, and has no line for servers without ticks', () => {
    const history = new StatsHistory(5);
    history.add(sample(1, gate('gate-a', 0), lobby('lobby-a', 0, { mean: 2, max: 9 }), lobby('lobby-b', 0, { mean: 2, max: 9, p99: 6 })));
    expect(history.series('tick')).toEqual({ servers: ['lobby-a', 'lobby-b'], data: [[1], [9], [6]] });
  });

  it('refuses a capacity that is not a positive integer', () => {
    for (const capacity of [0, -1, 1.5, Number.NaN]) expect(() => new StatsHistory(capacity)).toThrow(RangeError);
  });
});
