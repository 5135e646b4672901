import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { connectionCapWithin, fitConnectionCap, parseOpenFileLimit, readOpenFileLimit } from './fd-reserve.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            20000                65536                files
Max locked memory         8388608              8388608              bytes
`;

describe('the descriptor reserve', () => {
  it('reads the soft open-file limit from /proc/self/limits text', () => {
    expect(parseOpenFileLimit(LIMITS)).toBe(20_000);
    expect(parseOpenFileLimit(LIMITS.replace('20000 ', 'unlimited'))).toBeUndefined();
    expect(parseOpenFileLimit('nothing here')).toBeUndefined();
  });

  it("reads this process's limit on Linux, and nothing elsewhere", () => {
    const limit = readOpenFileLimit();
    if (process.platform === 'linux') expect(limit).toBeGreaterThan(0);
    else expect(limit).toBeUndefined();
  });

  it('keeps the reserve free of connections, and half the descriptors when the reserve alone does not fit', () => {
    expect(connectionCapWithin(20_000, 1_024, 20_000)).toBe(18_976);
    expect(connectionCapWithin(5_000, 1_024, 20_000)).toBe(5_000);
    expect(connectionCapWithin(20_000, 1_024, 1_024)).toBe(512);
    expect(connectionCapWithin(20_000, 1_024, 1)).toBe(1);
    expect(connectionCapWithin(20_000, 1_024, undefined)).toBe(20_000);
  });

  it('warns when it lowers the cap, and notes a system where the limit cannot be read', () => {
    const logger = new MemoryLogger();
    expect(fitConnectionCap(20_000, 1_024, logger, () => 20_000)).toBe(18_976);
    expect(logger.at('warn')[0]).toMatchObject({ meta: { maxConnections: 20_000, fdReserve: 1_024, openFileLimit: 20_000, cap: 18_976 } });
    expect(fitConnectionCap(100, 1_024, logger, () => 20_000)).toBe(100);
    expect(logger.at('warn')).toHaveLength(1);
    expect(fitConnectionCap(20_000, 1_024, logger, () => undefined)).toBe(20_000);
    expect(logger.at('info')[0]!.message).toContain('open-file limit unknown');
  });
});
