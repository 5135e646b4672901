/**
 * One server process's Prometheus metrics: a registry of its own (tests run several servers in one
 * process, so nothing goes to prom-client's global registry), served at `/metrics` by
 * services/http/metrics-route.ts. Each part of the engine registers its metrics here through the
 * `*-metrics.ts` file beside this one that names them.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

/** What {@link Metrics} is built from (`config.metrics`). */
export interface MetricsOptions {
  /** Node's own metrics: event-loop lag, GC, heap, CPU, open handles. */
  process: boolean;
}

/** The registry of one server process. */
export class Metrics {
  readonly registry = new Registry();

  constructor(options: MetricsOptions) {
    if (options.process) collectDefaultMetrics({ register: this.registry });
  }

  /** The text exposition format, as `/metrics` serves it. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type of {@link exposition}. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
