import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import type { LoadReport, ServerInfo } from './discovery.js';
import { DiscoveryError } from './errors.js';
import { LoadReporter, LoadSampler } from './load-sampler.js';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function fakeCpu(): { usage: () => NodeJS.CpuUsage; spend(micros: number): void } {
  let used = 0;
  return { usage: () => ({ user: used, system: 0 }), spend: (micros) => void (used += micros) };
}

describe('LoadSampler', () => {
  it('reports CPU in cores over the wall time since the last sample, with the current sessions and entities', () => {
    const clock = new ManualClock();
    const cpu = fakeCpu();
    let sessions = 3;
    const sampler = new LoadSampler({ clock, sessions: () => sessions, entities: () => 40, cpuUsage: cpu.usage });
    clock.advance(1_000);
    cpu.spend(1_500_000); // 1.5 s of CPU in 1 s: one and a half cores
    expect(sampler.sample()).toEqual({ sessions: 3, entities: 40, eventLoopLagMs: 0, cpu: 1.5 });
    sessions = 4;
    clock.advance(2_000);
    cpu.spend(500_000);
    expect(sampler.sample()).toEqual({ sessions: 4, entities: 40, eventLoopLagMs: 0, cpu: 0.25 });
    // No time passed: no CPU figure can be computed, and none is made up.
    expect(sampler.sample().cpu).toBe(0);
  });

  it('measures event-loop delay while started, and starts again from zero after each sample', async () => {
    const sampler = new LoadSampler({ clock: new ManualClock(), sessions: () => 0, entities: () => 0, resolutionMs: 5 });
    sampler.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const blockUntil = performance.now() + 60;
      while (performance.now() < blockUntil);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(sampler.sample().eventLoopLagMs).toBeGreaterThan(30);
      expect(sampler.sample().eventLoopLagMs).toBe(0);
    } finally {
      sampler.stop();
    }
  });
});

function fakeDiscovery() {
  const reports: LoadReport[] = [];
  let fail: Error | undefined;
  const discovery = {
    self: { id: 'lobby-h-0' } as ServerInfo | undefined,
    async reportLoad(load: LoadReport) {
      if (fail) throw fail;
      reports.push(load);
    },
  };
  return { discovery, reports, failWith: (err: Error | undefined) => void (fail = err) };
}

describe('LoadReporter', () => {
  it('reports a sample every interval once registered, and stops with stop()', async () => {
    const clock = new ManualClock();
    const { discovery, reports } = fakeDiscovery();
    discovery.self = undefined;
    let n = 0;
    const sampler = new LoadSampler({ clock, sessions: () => ++n, entities: () => 0, cpuUsage: fakeCpu().usage });
    const reporter = new LoadReporter({ discovery, sampler, clock, logger: new MemoryLogger(), intervalMs: 1_000 });
    await reporter.start();
    clock.advance(1_000);
    await settle();
    expect(reports).toEqual([]);
    discovery.self = { id: 'lobby-h-0' } as ServerInfo;
    clock.advance(1_000);
    await settle();
    clock.advance(1_000);
    await settle();
    expect(reports.map((r) => r.sessions)).toEqual([1, 2]);
    await reporter.stop();
    clock.advance(5_000);
    await settle();
    expect(reports).toHaveLength(2);
    expect(clock.pendingCount).toBe(0);
  });

  it('logs failed reports without throwing: a warning for the first of a run, and a line when they work again', async () => {
    const clock = new ManualClock();
    const logger = new MemoryLogger();
    const { discovery, reports, failWith } = fakeDiscovery();
    const sampler = new LoadSampler({ clock, sessions: () => 1, entities: () => 1, cpuUsage: fakeCpu().usage });
    const reporter = new LoadReporter({ discovery, sampler, clock, logger, intervalMs: 100 });
    await reporter.start();
    failWith(new DiscoveryError('DISCOVERY_ERR_UNAVAILABLE', 'etcd down'));
    for (let i = 0; i < 3; i++) {
      clock.advance(100);
      await settle();
    }
    expect(logger.at('warn').map((l) => l.message)).toEqual(['load report failed']);
    expect(logger.at('debug').filter((l) => l.message === 'load report failed')).toHaveLength(2);
    failWith(undefined);
    clock.advance(100);
    await settle();
    expect(reports).toHaveLength(1);
    expect(logger.at('info').map((l) => l.message)).toContain('load reports work again');
    await reporter.stop();
  });

  it('skips a report while the previous one is still in flight', async () => {
    const clock = new ManualClock();
    let calls = 0;
    let finish: () => void = () => undefined;
    const discovery = {
      self: { id: 'x' } as ServerInfo,
      reportLoad: () => {
        calls++;
        return new Promise<void>((resolve) => (finish = resolve));
      },
    };
    const sampler = new LoadSampler({ clock, sessions: () => 0, entities: () => 0, cpuUsage: fakeCpu().usage });
    const reporter = new LoadReporter({ discovery, sampler, clock, logger: new MemoryLogger(), intervalMs: 100 });
    await reporter.start();
    clock.advance(300);
    await settle();
    expect(calls).toBe(1);
    finish();
    await settle();
    clock.advance(100);
    expect(calls).toBe(2);
    finish();
    await reporter.stop();
  });

  it('checks its interval', () => {
    const clock = new ManualClock();
    const sampler = new LoadSampler({ clock, sessions: () => 0, entities: () => 0 });
    expect(() => new LoadReporter({ discovery: fakeDiscovery().discovery, sampler, clock, logger: new MemoryLogger(), intervalMs: 0 })).toThrow(RangeError);
  });
});
