import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/create-logger.js';
import { ManualClock } from '../timer/clock.js';
import { traceContextOf } from './trace-context.js';

describe('traceContextOf', () => {
  it('keeps the trace id in the logger context, across awaits', async () => {
    const logger = createLogger({ serverId: 's', level: 'info', console: false, clock: new ManualClock() });
    const trace = traceContextOf(logger);
    expect(trace.current()).toBeUndefined();
    const seen = await trace.run('t-9', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return [trace.current(), logger.currentLogContext()?.traceId];
    });
    expect(seen).toEqual(['t-9', 't-9']);
    expect(trace.current()).toBeUndefined();
    await logger.close();
  });
});
