import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import { SystemClock } from '../timer/clock.js';
import { Watchdog } from './watchdog.js';

describe('Watchdog', () => {
  it('runs its worker from start to stop and says so in the log', async () => {
    const logger = new MemoryLogger();
    const watchdog = new Watchdog({ stallMs: 10_000, role: 'test', serverId: 'test-0', clock: new SystemClock(), logger });
    expect(watchdog.running).toBe(false);
    await watchdog.start();
    expect(watchdog.running).toBe(true);
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'info', message: 'watchdog started', meta: { stallMs: 10_000, beatMs: 1_000 } }));
    await watchdog.stop();
    expect(watchdog.running).toBe(false);
    // Stopping twice is harmless, as for every module.
    await watchdog.stop();
  });

  it('refuses a stall limit that is not positive', () => {
    expect(() => new Watchdog({ stallMs: 0, role: 'test', serverId: 'test-0', clock: new SystemClock(), logger: new MemoryLogger() })).toThrow(RangeError);
  });
});
