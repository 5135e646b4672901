/**
 * The recent past of `GET /admin/stats` that the charts draw: a bounded window of samples (the
 * oldest leaves when a new one arrives past the capacity), and for each measure the aligned
 * columns uPlot takes: times, then one column per server, with a gap (null) where a server was
 * absent or did not answer.
 */
import type { ClusterStats, ServerStats } from './admin-types.js';

/** A measure the dashboard charts. */
export interface Measure {
  /** The chart's title. */
  title: string;
  /** The value axis label. */
  unit: string;
  /** The value of one server's sample, or undefined when it has none (a gate has no tick). */
  of(stats: ServerStats): number | undefined;
}

/** The charted measures, in the order the page shows them. */
export const MEASURES = {
  sessions: { title: 'Sessions', unit: 'sessions', of: (s) => s.sessions },
  cpu: { title: 'CPU', unit: '% of a core', of: (s) => (s.cpu === undefined ? undefined : s.cpu * 100) },
  tick: { title: 'Tick time (p99, else max)', unit: 'ms', of: (s) => s.tickMs?.p99 ?? s.tickMs?.max },
  lag: { title: 'Event-loop lag', unit: 'ms', of: (s) => s.eventLoopLagMs },
} as const satisfies Record<string, Measure>;

/** The name of a charted measure. */
export type MeasureName = keyof typeof MEASURES;

/** One chart's data: the servers it has a line for and uPlot's aligned columns. */
export interface ChartSeries {
  /** Server ids, sorted; column i + 1 of `data` is server i's. */
  servers: string[];
  /** Times in epoch seconds, then one column of values per server (null: a gap). */
  data: [number[], ...(number | null)[][]];
}

interface Sample {
  at: number;
  servers: Map<string, ServerStats>;
}

/** At most `capacity` samples of the cluster's stats, oldest first. */
export class StatsHistory {
  private readonly samples: Sample[] = [];

  /**
   * @param capacity samples kept (e.g. 150: five minutes at one sample every two seconds).
   * @throws RangeError when `capacity` is not a positive integer.
   */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`StatsHistory: capacity ${capacity} is not a positive integer`);
  }

  /** Samples kept. */
  get size(): number {
    return this.samples.length;
  }

  /**
   * Keeps `stats` as the newest sample, dropping the oldest past the capacity. A sample not newer
   * than the last (a late answer to an earlier poll) is ignored.
   * @returns whether it was kept.
   */
  add(stats: ClusterStats): boolean {
    const last = this.samples[this.samples.length - 1];
    if (last && stats.at <= last.at) return false;
    this.samples.push({ at: stats.at, servers: new Map(stats.servers.map((s) => [s.id, s])) });
    if (this.samples.length > this.capacity) this.samples.shift();
    return true;
  }

  /**
   * The columns of `measure` over the window, one per server that has a value for it in some
   * sample (servers gone for the whole window, and gates for the tick time, have no line).
   */
  series(measure: MeasureName): ChartSeries {
    const { of } = MEASURES[measure];
    const valueOf = (sample: Sample, id: string): number | null => {
      const stats = sample.servers.get(id);
      const value = stats?.ok ? of(stats) : undefined;
      return value === undefined || !Number.isFinite(value) ? null : value;
    };
    const ids = new Set<string>();
    for (const sample of this.samples) for (const id of sample.servers.keys()) ids.add(id);
    const servers = [...ids].filter((id) => this.samples.some((sample) => valueOf(sample, id) !== null)).sort();
    const times = this.samples.map((sample) => sample.at / 1000);
    return { servers, data: [times, ...servers.map((id) => this.samples.map((sample) => valueOf(sample, id)))] };
  }
}
