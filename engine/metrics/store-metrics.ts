/**
 * The store's metrics: each operation's duration by operation and backend, and its errors by
 * operation and code, recorded as operations settle (engine/persist/metered-store.ts).
 */
import type { Registry } from 'prom-client';
import { STORE_ERRORS } from '../persist/errors.js';
import type { StoreObserver, StoreOperation } from '../persist/metered-store.js';
import { CounterSeries, HistogramSeries, type HistogramChild } from './series.js';

/** Buckets of operation durations, in seconds: 100 µs to 10 s. */
export const STORE_DURATION_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The `tessera_store_*` metrics of one server; give it to the store module as its `metrics`. */
export class StoreMetrics implements StoreObserver {
  private readonly duration: HistogramSeries<'operation' | 'backend'>;
  private readonly errors: CounterSeries<'operation' | 'code'>;
  /** Children of the histogram by `operation backend`, so that an operation looks up no labels. */
  private readonly durations = new Map<string, HistogramChild>();

  /**
   * Registers the metrics in `registry`.
   * @throws Error when they are registered there already.
   */
  constructor(registry: Registry) {
    this.duration = new HistogramSeries(
      'tessera_store_operation_duration_seconds',
      'Time a store operation took, by operation (the store method) and backend (mongodb or lmdb), failures included.',
      ['operation', 'backend'],
      STORE_DURATION_BUCKETS,
      registry,
    );
    this.errors = new CounterSeries('tessera_store_errors_total', 'Store operations that failed, by operation and error code (STORE_ERR_*; anything else: other).', ['operation', 'code'], registry);
  }

  operationSettled(operation: StoreOperation, backend: string, seconds: number, error: unknown): void {
    const key = `${operation} ${backend}`;
    let child = this.durations.get(key);
    if (!child) {
      child = this.duration.child({ operation, backend });
      this.durations.set(key, child);
    }
    child.observe(seconds);
    if (error !== undefined) this.errors.child({ operation, code: codeOf(error) }).value++;
  }
}

/** A store error's catalogue code, or `other`. */
function codeOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && Object.hasOwn(STORE_ERRORS, code) ? code : 'other';
}
