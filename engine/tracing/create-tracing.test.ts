import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { defaults } from '../config/defaults.js';
import { createLogger, type RootLogger } from '../log/create-logger.js';
import { Metrics } from '../metrics/metrics.js';
import { ManualClock } from '../timer/clock.js';
import { createTracing, type ServerTracing } from './create-tracing.js';

let logger: RootLogger | undefined;
let traced: ServerTracing | undefined;
afterEach(async () => {
  await traced?.tracing.stop();
  await logger?.close();
  traced = logger = undefined;
});

describe('createTracing', () => {
  it('registers tessera_tracing_spans_dropped_total in the server’s metrics, at zero', async () => {
    logger = createLogger({ serverId: 's', level: 'info', console: false, clock: new ManualClock() });
    const metrics = new Metrics({ process: false });
    traced = createTracing({ ...defaults.tracing, enabled: true, otlpUrl: 'http://127.0.0.1:1/v1/traces' }, { role: 'gate', serverId: () => 'gate-1', context: logger, metrics });
    expect(await metrics.exposition()).toMatch(/^tessera_tracing_spans_dropped_total 0$/m);
  });

  it('names the service after the role unless tracing.serviceName says otherwise', async () => {
    logger = createLogger({ serverId: 's', level: 'info', console: false, clock: new ManualClock() });
    const serviceOf = async (settings: Partial<typeof defaults.tracing>): Promise<unknown> => {
      const exporter = new InMemorySpanExporter();
      traced = createTracing({ ...defaults.tracing, enabled: true, ...settings }, { role: 'lobby', serverId: () => 'lobby-1', context: logger!, exporter });
      traced.tracing.inSpan('gate a.b', 'server', {}, 'active-or-root', () => undefined);
      await traced.tracing.flush();
      const service = exporter.getFinishedSpans()[0]?.resource.attributes['service.name'];
      await traced.tracing.stop();
      return service;
    };
    expect(await serviceOf({})).toBe('tessera-lobby');
    expect(await serviceOf({ serviceName: 'shop-lobby' })).toBe('shop-lobby');
  });
});
