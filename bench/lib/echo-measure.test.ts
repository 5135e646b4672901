import { describe, expect, it } from 'vitest';
import { cpuPerMessageUs, roundRobin } from './echo-measure.js';

describe('roundRobin', () => {
  it('gives each operation to the next item in turn, wrapping around', async () => {
    const seen: string[] = [];
    const op = roundRobin(['a', 'b', 'c'], async (item) => seen.push(item));
    for (let i = 0; i < 7; i++) await op();
    expect(seen).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });
});

describe('cpuPerMessageUs', () => {
  it('divides the CPU time by the messages handled in the run', () => {
    // 2 s of CPU over 4 s at 50,000 messages/s: 200,000 messages, 10 µs each.
    expect(cpuPerMessageUs(2, 50_000, 4_000)).toBeCloseTo(10);
  });
});
