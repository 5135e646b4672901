import { describe, expect, it } from 'vitest';
import type { ServerSample } from './server-sampler.js';
import { soakVerdict, type SoakEnd } from './soak-verdict.js';

// A sample every 10 s for 20 minutes, heap and resident memory from the functions of t (s).
function samples(heap: (t: number) => number, rss: (t: number) => number): ServerSample[] {
  return Array.from({ length: 121 }, (_, i) => {
    const t = i * 10;
    return { t, rssMiB: rss(t), heapUsedMiB: heap(t), externalMiB: 3, cpuPercent: 50, gateSessions: 100, lobbySessions: 100, entities: 120, timers: 230 };
  });
}

const WINDOW = { warmupEndS: 180, steadyEndS: 1_100 };
const CLEAN: SoakEnd = { sessions: 0, before: { timers: 4, nodeTimers: 6, handles: { TCPServerWrap: 4, UDPWrap: 1 } }, after: { timers: 5, nodeTimers: 7, handles: { TCPServerWrap: 4, UDPWrap: 1, TCPSocketWrap: 1 } } };

describe('soakVerdict', () => {
  it('passes flat memory and no sessions left, with every sample in the series and the end in words', () => {
    const { memory, failures } = soakVerdict(samples(() => 80.123, () => 210), WINDOW, CLEAN);
    expect(failures).toEqual([]);
    expect(memory.t).toHaveLength(121);
    expect(memory.heapUsedMiB[0]).toBe(80.12);
    expect(memory.rssMiB[120]).toBe(210);
    expect(memory.verdict.split('\n')).toEqual([
      expect.stringMatching(/^heap: levels off; /),
      expect.stringMatching(/^resident memory: levels off; /),
      'at the end: 0 sessions live; engine timers 5 (4 before the bots), Node timers 7 (6); handles TCPServerWrap 4, TCPSocketWrap 1, UDPWrap 1 (before: TCPServerWrap 4, UDPWrap 1)',
    ]);
  });

  it('fails a heap that keeps growing, and resident memory that does, each in its own line', () => {
    const heapLeak = soakVerdict(samples((t) => 80 + t / 60, () => 210), WINDOW, CLEAN);
    expect(heapLeak.failures).toEqual([expect.stringMatching(/^server heap keeps growing/)]);
    const rssLeak = soakVerdict(samples(() => 80, (t) => 210 + t / 20), WINDOW, CLEAN);
    expect(rssLeak.failures).toEqual([expect.stringMatching(/^server resident memory keeps growing/)]);
  });

  it('judges only the steady part: neither the ramp before the warm-up nor the fall after the bots left', () => {
    const ramp = (t: number) => (t < 150 ? 20 + t / 2 : t > 1_100 ? 40 : 95);
    expect(soakVerdict(samples(ramp, (t) => 100 + ramp(t)), WINDOW, CLEAN).failures).toEqual([]);
  });

  it('fails when sessions are still live after every bot left, and says so when the count is unknown', () => {
    expect(soakVerdict(samples(() => 80, () => 210), WINDOW, { ...CLEAN, sessions: 3 }).failures).toEqual(['server: 3 sessions still live after every bot left']);
    const unknown = soakVerdict(samples(() => 80, () => 210), WINDOW, { ...CLEAN, sessions: undefined, after: { ...CLEAN.after, timers: undefined } });
    expect(unknown.failures).toEqual([]);
    expect(unknown.memory.verdict).toMatch(/at the end: unknown sessions live; engine timers unknown \(4 before the bots\)/);
  });

  it('gives no verdict on memory, and no failure, for a run too short to judge', () => {
    const { memory, failures } = soakVerdict(samples(() => 80, () => 210).slice(0, 20), WINDOW, CLEAN);
    expect(failures).toEqual([]);
    expect(memory.verdict).toMatch(/^heap: no verdict: 2 samples after the warm-up, 8 needed/);
  });
});
