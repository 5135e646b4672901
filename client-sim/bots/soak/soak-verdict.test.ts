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
const CLEAN: SoakEnd = {
  sessions: 0,
  before: { timers: 4, nodeTimers: 6, nodeTimerDelays: [[1000, 4], [5000, 2]], handles: { TCPServerWrap: 4, UDPWrap: 1 } },
  after: { timers: 5, nodeTimers: 7, nodeTimerDelays: [[1000, 4], [5000, 2], [30000, 1]], handles: { TCPServerWrap: 4, UDPWrap: 1, TCPSocketWrap: 1 } },
};

describe('soakVerdict', () => {
  it('passes flat memory and no sessions left, with every sample in the series and the end in words', () => {
    const { memory, failures } = soakVerdict(samples(() => 80.123, () => 210), WINDOW, CLEAN);
    expect(failures).toEqual([]);
    expect(memory.t).toHaveLength(121);
    expect(memory.heapUsedMiB[0]).toBe(80.12);
    expect(memory.rssMiB[120]).toBe(210);
    expect(memory.verdict.split('\n')).toEqual([
      "judged from 180 s to 1100 s since the run's start (sessions reached 95% of their peak of 100 at 0 s; warm-up to 180 s)",
      expect.stringMatching(/^heap: levels off; /),
      expect.stringMatching(/^resident memory: levels off; /),
      'at the end: 0 sessions live; engine timers 5 (4 before the bots), Node timers 7 by delay: 1000 ms ×4, 5000 ms ×2, 30000 ms ×1 (6); handles TCPServerWrap 4, TCPSocketWrap 1, UDPWrap 1 (before: TCPServerWrap 4, UDPWrap 1)',
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

  it('judges memory only once the sessions reached 95% of their peak: bots still logging in are load, not a leak', () => {
    // Sessions and memory climb together until 900 s, then both hold.
    const climbing = (t: number) => Math.min(t, 900);
    const run = samples((t) => 60 + climbing(t) / 20, (t) => 200 + climbing(t) / 5).map((s) => ({ ...s, gateSessions: Math.round(climbing(s.t) * 2) }));
    const { memory, failures } = soakVerdict(run, WINDOW, CLEAN);
    expect(failures).toEqual([]);
    expect(memory.verdict.split('\n')[0]).toBe("judged from 860 s to 1100 s since the run's start (sessions reached 95% of their peak of 1800 at 860 s; warm-up to 180 s)");
    // Still climbing at the end: too few samples on a plateau to judge, and no failure.
    const never = samples((t) => 60 + t / 20, () => 200).map((s) => ({ ...s, gateSessions: s.t }));
    expect(soakVerdict(never, WINDOW, CLEAN)).toMatchObject({ failures: [], memory: { verdict: expect.stringMatching(/\nheap: no verdict: /) } });
  });

  it('fails when sessions are still live after every bot left, and says so when the count is unknown', () => {
    expect(soakVerdict(samples(() => 80, () => 210), WINDOW, { ...CLEAN, sessions: 3 }).failures).toEqual(['server: 3 sessions still live after every bot left']);
    const unknown = soakVerdict(samples(() => 80, () => 210), WINDOW, { ...CLEAN, sessions: undefined, after: { ...CLEAN.after, timers: undefined } });
    expect(unknown.failures).toEqual([]);
    expect(unknown.memory.verdict).toMatch(/at the end: unknown sessions live; engine timers unknown \(4 before the bots\)/);
  });

  it('fails when the server exited during the soak or could not be read at the end', () => {
    const gone = soakVerdict(samples(() => 80, () => 210), WINDOW, { sessions: undefined, before: CLEAN.before, after: { error: 'inspector: the connection closed' }, exitedWith: 1 });
    expect(gone.failures).toEqual(['server: exited with code 1 during the soak', 'server: could not be read at the end: inspector: the connection closed']);
    expect(gone.memory.verdict.split('\n').at(-1)).toBe('at the end: the server could not be read (inspector: the connection closed)');
  });

  it('gives no verdict on memory, and no failure, for a run too short to judge', () => {
    const { memory, failures } = soakVerdict(samples(() => 80, () => 210).slice(0, 20), WINDOW, CLEAN);
    expect(failures).toEqual([]);
    expect(memory.verdict.split('\n')[1]).toMatch(/^heap: no verdict: 2 samples after the warm-up, 8 needed/);
  });
});
