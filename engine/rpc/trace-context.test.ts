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

  it('carries a peer’s traceparent on: its trace and span ids in log lines, the same traceparent in calls made under it', () => {
    const logger = createLogger({ serverId: 's', level: 'info', console: false, clock: new ManualClock() });
    const trace = traceContextOf(logger);
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const seen = trace.run(traceparent, () => [trace.current(), logger.currentLogContext()]);
    expect(seen).toEqual([traceparent, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: '01' }]);
    return logger.close();
  });
});
