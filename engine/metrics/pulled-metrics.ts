/**
 * Gauges and counters whose values are read from a module's own counters when Prometheus scrapes
 * (prom-client's `collect`), so that they cost nothing on the path that counts. A counter read
 * this way is only ever given what the module counted since it started, which never goes down.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

/** Name, help and labels of a pulled metric. */
export interface PulledMetric<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
}

/**
 * What a scrape reads: a value, or one value per label set. Returning `undefined` leaves the
 * metric without a sample (its source is not there yet, or is gone).
 */
export type PulledValues<L extends string> = () => number | ReadonlyArray<readonly [Partial<Record<L, string>>, number]> | undefined;

/** A gauge set from `read` at each scrape. */
export function pulledGauge<L extends string = never>(registry: Registry, metric: PulledMetric<L>, read: PulledValues<L>): Gauge<L> {
  return new Gauge<L>({ ...options(registry, metric), collect() {
    refill(this, read, (labels, value) => this.set(labels, value));
  } });
}

/** A counter set from `read` (a running total that never goes down) at each scrape. */
export function pulledCounter<L extends string = never>(registry: Registry, metric: PulledMetric<L>, read: PulledValues<L>): Counter<L> {
  return new Counter<L>({ ...options(registry, metric), collect() {
    refill(this, read, (labels, value) => this.inc(labels, value));
  } });
}

function options<L extends string>(registry: Registry, metric: PulledMetric<L>): { name: string; help: string; labelNames: readonly L[]; registers: Registry[] } {
  return { name: metric.name, help: metric.help, labelNames: metric.labelNames ?? [], registers: [registry] };
}

// Replaces the metric's values with what `read` gives; leaves them as they are when it gives nothing.
function refill<L extends string>(metric: { reset(): void }, read: PulledValues<L>, put: (labels: Partial<Record<L, string>>, value: number) => void): void {
  const values = read();
  if (values === undefined) return;
  metric.reset();
  if (typeof values === 'number') put({}, values);
  else for (const [labels, value] of values) put(labels, value);
}
