import { describe, expect, it } from 'vitest';
import { TestRootLogger } from './test-logger.js';

describe('TestRootLogger', () => {
  it('keeps every line with the server id, the child context, the async context and its own fields', () => {
    const logger = new TestRootLogger('standalone');
    const child = logger.child({ component: 'lobby' });
    logger.runWithLogContext({ traceId: 't1' }, () => child.warn('slow', { ms: 5 }));
    logger.setServerId('standalone-1');
    child.child({ entityId: 'e1' }).error('failed');
    expect(logger.lines).toEqual([
      { level: 'warn', message: 'slow', meta: { serverId: 'standalone', traceId: 't1', component: 'lobby', ms: 5 } },
      { level: 'error', message: 'failed', meta: { serverId: 'standalone-1', component: 'lobby', entityId: 'e1' } },
    ]);
    expect(logger.currentLogContext()).toBeUndefined();
  });

  it('keeps the latest maxLines lines, counting the dropped ones', () => {
    const logger = new TestRootLogger('s', 2);
    for (let i = 0; i < 4; i++) logger.info(`line ${i}`);
    expect(logger.lines.map((l) => l.message)).toEqual(['line 2', 'line 3']);
    expect(logger.stats()).toEqual({ droppedLines: 2 });
  });

  it('skips lines below its level and everything after close', async () => {
    const logger = new TestRootLogger('s');
    logger.setLevel('warn');
    logger.info('skipped');
    logger.warn('kept');
    await logger.close();
    logger.error('after close');
    expect(logger.lines.map((l) => l.message)).toEqual(['kept']);
    expect(() => logger.setLevel('loud' as 'info')).toThrow(RangeError);
  });
});
