/**
 * Counters and histograms for hot paths. prom-client's own `inc`/`observe` validate and hash the
 * labels on every call; here a caller asks once for the child of its label values and keeps it,
 * so that counting is a property increment and observing a bucket search. The registry reads the
 * children at scrape time, in prom-client's exposition format.
 */
import type { Metric, Registry } from 'prom-client';

/** One series of a {@link CounterSeries}: the hot path adds to `value`. */
export interface CounterChild {
  value: number;
}

type Labels<L extends string> = Readonly<Record<L, string>>;

/** A value as prom-client's registry formats it. */
interface Sample {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

/** What every series shares: a name, its help, its label names and its children by label values. */
abstract class Series<L extends string, C> {
  abstract readonly type: 'counter' | 'histogram';
  readonly aggregator = 'sum';
  protected readonly children = new Map<string, { labels: Labels<L>; child: C }>();

  /**
   * @param collect runs at each scrape before the children are read (to pull values from stats).
   * @throws Error when `registry` already has a metric of this name.
   */
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
    registry: Registry,
    private readonly collect?: () => void,
  ) {
    // The registry reads any object with a name, help, type and get(); these are not prom-client classes.
    registry.registerMetric(this as unknown as Metric);
  }

  /** The child for `labels`, made on first use; callers keep it rather than ask per event. */
  child(labels: Labels<L>): C {
    const key = this.labelNames.map((name) => labels[name]).join('\u0000');
    let entry = this.children.get(key);
    if (!entry) {
      entry = { labels: { ...labels }, child: this.create() };
      this.children.set(key, entry);
    }
    return entry.child;
  }

  /** The metric as prom-client's registry reads it. */
  get(): { name: string; help: string; type: string; aggregator: string; values: Sample[] } {
    this.collect?.();
    const values: Sample[] = [];
    for (const { labels, child } of this.children.values()) this.samples(labels, child, values);
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Zeroes every child (prom-client's `resetMetrics`); children held by callers stay valid. */
  reset(): void {
    for (const { child } of this.children.values()) this.zero(child);
  }

  protected abstract create(): C;
  protected abstract zero(child: C): void;
  protected abstract samples(labels: Labels<L>, child: C, into: Sample[]): void;
}

/** A counter whose children are plain numbers. */
export class CounterSeries<L extends string = never> extends Series<L, CounterChild> {
  readonly type = 'counter';

  protected create(): CounterChild {
    return { value: 0 };
  }

  protected zero(child: CounterChild): void {
    child.value = 0;
  }

  protected samples(labels: Labels<L>, child: CounterChild, into: Sample[]): void {
    into.push({ labels, value: child.value });
  }
}

/** One series of a {@link HistogramSeries}. */
export class HistogramChild {
  /** Observations per bucket (not cumulative); the last is past the highest bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Counts one observation of `value`. */
  observe(value: number): void {
    const { bounds } = this;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}

/** A histogram whose children count into their buckets directly. */
export class HistogramSeries<L extends string = never> extends Series<L, HistogramChild> {
  readonly type = 'histogram';
  private readonly bounds: readonly number[];

  /**
   * @param buckets upper bounds, ascending; `+Inf` is implied.
   * @throws RangeError when the buckets are empty or not strictly ascending.
   */
  constructor(name: string, help: string, labelNames: readonly L[], buckets: readonly number[], registry: Registry, collect?: () => void) {
    if (buckets.length === 0 || buckets.some((b, i) => i > 0 && b <= buckets[i - 1]!)) throw new RangeError(`${name}: buckets must be ascending`);
    super(name, help, labelNames, registry, collect);
    this.bounds = [...buckets];
  }

  protected create(): HistogramChild {
    return new HistogramChild(this.bounds);
  }

  protected zero(child: HistogramChild): void {
    child.counts.fill(0);
    child.sum = 0;
    child.count = 0;
  }

  protected samples(labels: Labels<L>, child: HistogramChild, into: Sample[]): void {
    let cumulative = 0;
    for (let i = 0; i <= this.bounds.length; i++) {
      cumulative += child.counts[i]!;
      into.push({ metricName: `${this.name}_bucket`, labels: { le: i < this.bounds.length ? this.bounds[i]! : '+Inf', ...labels }, value: cumulative });
    }
    into.push({ metricName: `${this.name}_sum`, labels, value: child.sum });
    into.push({ metricName: `${this.name}_count`, labels, value: child.count });
  }
}
