import { describe, expect, it } from 'vitest';
import { driveClock } from '../testing/drive-clock.js';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import { Lifecycle, type Module } from './lifecycle.js';

function recorder(events: string[], name: string, failStart = false): Module {
  return {
    name,
    start: async () => {
      events.push(`start ${name}`);
      if (failStart) throw new Error(`${name} cannot start`);
    },
    drain: async () => void events.push(`drain ${name}`),
    stop: async () => void events.push(`stop ${name}`),
  };
}

describe('Lifecycle', () => {
  it('starts modules in order and drains then stops them in reverse order', async () => {
    const events: string[] = [];
    const life = new Lifecycle({ logger: new MemoryLogger(), clock: new ManualClock() });
    life.add(recorder(events, 'store'));
    life.add(recorder(events, 'http'));
    await life.start();
    expect(life.state).toBe('ready');
    await life.stop();
    expect(life.state).toBe('stopped');
    expect(events).toEqual(['start store', 'start http', 'drain http', 'drain store', 'stop http', 'stop store']);
  });

  it('stops what already started when a later module fails to start', async () => {
    const events: string[] = [];
    const logger = new MemoryLogger();
    const life = new Lifecycle({ logger, clock: new ManualClock() });
    life.add(recorder(events, 'store'));
    life.add(recorder(events, 'http', true));
    await expect(life.start()).rejects.toThrow('http cannot start');
    expect(events).toEqual(['start store', 'start http', 'drain store', 'stop store']);
    expect(logger.at('error')[0]?.meta.module).toBe('http');
  });

  it('goes on with the shutdown when a module hangs past the step timeout', async () => {
    const clock = new ManualClock();
    const logger = new MemoryLogger();
    const events: string[] = [];
    const life = new Lifecycle({ logger, clock, stepTimeoutMs: 1_000 });
    life.add(recorder(events, 'store'));
    life.add({ name: 'stuck', start: async () => undefined, stop: () => new Promise<void>(() => undefined) });
    await life.start();
    // Time moves until the shutdown has waited out the stuck module's step limit.
    await driveClock(clock, life.stop());
    expect(events).toContain('stop store');
    expect(logger.at('error').map((l) => l.message)).toContain('module stop timed out');
  });

  it('returns the same shutdown to concurrent stop calls and refuses modules after start', async () => {
    const life = new Lifecycle({ logger: new MemoryLogger(), clock: new ManualClock() });
    await life.start();
    expect(life.stop()).toBe(life.stop());
    expect(() => life.add(recorder([], 'late'))).toThrow(/already/);
  });
});

describe('Lifecycle stopped while starting', () => {
  it('starts nothing more, stops the module that was starting, and ends stopped', async () => {
    const events: string[] = [];
    const life = new Lifecycle({ logger: new MemoryLogger(), clock: new ManualClock() });
    let release!: () => void;
    life.add({
      name: 'slow',
      start: () => new Promise<void>((resolve) => (release = () => (events.push('start slow'), resolve()))),
      stop: async () => void events.push('stop slow'),
    });
    life.add(recorder(events, 'later'));
    const starting = life.start();
    const stopping = life.stop();
    release();
    await expect(starting).rejects.toThrow(/stopped before later started/);
    await stopping;
    expect(events).toEqual(['start slow', 'stop slow']);
    expect(life.state).toBe('stopped');
  });
});

describe('Lifecycle stopped while a start hangs', () => {
  it('waits for the starting module no longer than the step limit', async () => {
    const clock = new ManualClock();
    const logger = new MemoryLogger();
    const life = new Lifecycle({ logger, clock, stepTimeoutMs: 1_000 });
    life.add({ name: 'hung', start: () => new Promise<void>(() => undefined), stop: async () => undefined });
    void life.start().catch(() => undefined);
    await driveClock(clock, life.stop());
    expect(life.state).toBe('stopped');
    expect(logger.at('error').map((l) => l.message)).toContain('module start timed out');
  });
});
