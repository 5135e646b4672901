import { describe, expect, it } from 'vitest';
import { bothObservers, RecentTicks } from './recent-ticks.js';

describe('RecentTicks', () => {
  it('has nothing to say before the first step', () => {
    expect(new RecentTicks().summary()).toBeUndefined();
  });

  it('summarises the latest steps only, and counts every overrun since start', () => {
    const ticks = new RecentTicks(100);
    for (let i = 0; i < 50; i++) ticks.observe(1_000, true);
    for (let i = 1; i <= 100; i++) ticks.observe(i, false);
    expect(ticks.summary()).toEqual({ steps: 100, mean: 50.5, max: 100, p99: 99, overruns: 50 });
  });

  it('takes the p99 from a partly filled window', () => {
    const ticks = new RecentTicks(512);
    for (const t of [3, 1, 2]) ticks.observe(t, false);
    expect(ticks.summary()).toEqual({ steps: 3, mean: 2, max: 3, p99: 3, overruns: 0 });
  });

  it('refuses a window of no steps', () => {
    expect(() => new RecentTicks(0)).toThrow(RangeError);
  });
});

describe('bothObservers', () => {
  it('tells both, or only the first when there is no second', () => {
    const seen: string[] = [];
    const first = (t: number, o: boolean): void => void seen.push(`a${t}${o}`);
    bothObservers(first, (t, o) => void seen.push(`b${t}${o}`))(2, true);
    expect(bothObservers(first, undefined)).toBe(first);
    expect(seen).toEqual(['a2true', 'b2true']);
  });
});
