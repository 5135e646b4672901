/**
 * What the report plots, as data: every plot's title, axes with their units, series with their
 * legends and colours, and markers, computed here from the summary so that the page's script only
 * draws. Over time: connected bots, throughput, errors, each route's p50 and p99 latency, and a
 * soak's memory; and each route's latency histogram. The scenario's latency and throughput
 * objectives are drawn as lines on the plots of what they judge.
 */
import type { RunSummary } from '../run-summary.js';

/** A plotted line (or bars), with the name and unit its legend shows. */
export interface PlotSeries {
  label: string;
  /** Written after values in the legend, e.g. `ms`, `requests/s`. */
  unit: string;
  /** A CSS colour. */
  color: string;
  /** One value per x; null where nothing was measured (a gap). */
  values: Array<number | null>;
  /** Default `line`. */
  style?: 'line' | 'bars' | 'dashed';
}

/** One plot. */
export interface PlotSpec {
  /** Unique in the report; the plot's element is `plot-<id>`. */
  id: string;
  title: string;
  /** What the plot is of, for the eye: the run as a whole, a route, or the server's memory. */
  section: 'run' | 'route' | 'memory';
  /** The route of a `route` plot. */
  route?: string;
  /** `seconds`: seconds since the run started (written m:ss); `ms`: a latency, on a log scale. */
  x: { label: string; kind: 'seconds' | 'ms'; values: number[] };
  y: { label: string };
  series: PlotSeries[];
  /** Vertical lines at these x values, e.g. where the ramp ends. */
  markers: Array<{ x: number; label: string }>;
  /** Horizontal lines at these y values: the objectives the plotted values are held to. */
  thresholds: Array<{ y: number; label: string }>;
}

/** Routes past this many are in the tables only, not plotted one by one. */
export const MAX_ROUTE_PLOTS = 24;
/** Routes past this many are left out of the throughput plot, whose legend would be unreadable. */
const MAX_THROUGHPUT_ROUTES = 6;

/** Okabe and Ito's palette, which readers with colour-blindness tell apart. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'] as const;
const color = (i: number): string => PALETTE[i % PALETTE.length]!;

function kindOrder(route: string): number {
  if (route.startsWith('push:')) return 1;
  if (route.startsWith('wait:')) return 2;
  return route === 'login' ? 3 : 0;
}

/**
 * The timed operations of the run in the order the report shows them: requests, then pushes,
 * waits and logins, each by count, most first.
 */
export function routeOrder(summary: RunSummary): string[] {
  const names = new Set([...Object.keys(summary.routes), ...Object.keys(summary.series.routes)]);
  const count = (name: string): number => summary.routes[name]?.count ?? 0;
  return [...names].sort((a, b) => kindOrder(a) - kindOrder(b) || count(b) - count(a) || a.localeCompare(b));
}

/** A value that was measured, else null (NaN in a summary, or null after JSON). */
function finite(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function markers(summary: RunSummary): PlotSpec['markers'] {
  const { rampMs, durationMs } = summary.options;
  const last = summary.series.t.at(-1) ?? 0;
  const marks: PlotSpec['markers'] = [];
  if (rampMs > 0 && rampMs / 1000 <= last) marks.push({ x: rampMs / 1000, label: 'ramp ends' });
  if ((rampMs + durationMs) / 1000 <= last) marks.push({ x: (rampMs + durationMs) / 1000, label: 'stop' });
  return marks;
}

/** The latency objectives of `route`, as lines on its latency plot. */
function latencyThresholds(summary: RunSummary, route: string): PlotSpec['thresholds'] {
  return summary.objectives.flatMap(({ objective: o }) =>
    o.kind === 'latency' && o.route === route ? [{ y: o.belowMs, label: `objective: p${o.percentile} < ${o.belowMs} ms` }] : [],
  );
}

/** The throughput objectives, as lines on the throughput plot. */
function throughputThresholds(summary: RunSummary): PlotSpec['thresholds'] {
  return summary.objectives.flatMap(({ objective: o }) =>
    o.kind === 'throughput' ? [{ y: o.atLeast, label: `objective: ${o.route ?? 'all requests'} >= ${o.atLeast} requests/s` }] : [],
  );
}

function runPlots(summary: RunSummary, routes: string[]): PlotSpec[] {
  const { t } = summary.series;
  const x = { label: 'time since start', kind: 'seconds' as const, values: t };
  const marks = markers(summary);
  const requestRoutes = routes.filter((r) => kindOrder(r) === 0).slice(0, MAX_THROUGHPUT_ROUTES);
  return [
    {
      id: 'connected', title: 'Connected bots', section: 'run', x, y: { label: 'bots' }, markers: marks, thresholds: [],
      series: [
        { label: 'connected', unit: 'bots', color: color(0), values: summary.series.connected.map(finite) },
        { label: 'target', unit: 'bots', color: '#888888', style: 'dashed', values: t.map(() => summary.options.bots) },
      ],
    },
    {
      id: 'throughput', title: 'Throughput', section: 'run', x, y: { label: 'requests/s' }, markers: marks,
      thresholds: throughputThresholds(summary),
      series: [
        { label: 'all requests', unit: 'requests/s', color: color(0), values: summary.series.requestsPerSecond.map(finite) },
        ...requestRoutes.map((route, i) => ({ label: route, unit: 'requests/s', color: color(i + 1), values: (summary.series.routes[route]?.perSecond ?? []).map(finite) })),
      ],
    },
    {
      id: 'errors', title: 'Errors', section: 'run', x, y: { label: 'errors/s' }, markers: marks, thresholds: [],
      series: [{ label: 'errors', unit: 'errors/s', color: color(1), values: summary.series.errorsPerSecond.map(finite) }],
    },
  ];
}

function routePlots(summary: RunSummary, route: string, index: number): PlotSpec[] {
  const series = summary.series.routes[route];
  const plots: PlotSpec[] = [];
  if (series) {
    // A second without requests has no latency: a gap, not a zero.
    const latency = (values: number[]): Array<number | null> => values.map((v, i) => (series.perSecond[i] === 0 ? null : finite(v)));
    plots.push({
      id: `route-${index}-latency`, title: `${route}: latency over time`, section: 'route', route, markers: markers(summary),
      thresholds: latencyThresholds(summary, route),
      x: { label: 'time since start', kind: 'seconds', values: summary.series.t }, y: { label: 'latency (ms)' },
      series: [
        { label: 'p50', unit: 'ms', color: color(0), values: latency(series.p50) },
        { label: 'p99', unit: 'ms', color: color(1), values: latency(series.p99) },
      ],
    });
  }
  const histogram = summary.routes[route]?.histogram ?? [];
  if (histogram.length > 0) {
    plots.push({
      id: `route-${index}-histogram`, title: `${route}: latency histogram`, section: 'route', route, markers: [], thresholds: [],
      x: { label: 'latency (ms, log scale)', kind: 'ms', values: histogram.map(([bound]) => bound) }, y: { label: 'count' },
      series: [{ label: 'count', unit: route.startsWith('push:') ? 'pushes' : route.startsWith('wait:') ? 'waits' : route === 'login' ? 'logins' : 'requests', color: color(2), style: 'bars', values: histogram.map(([, n]) => n) }],
    });
  }
  return plots;
}

function memoryPlot(memory: NonNullable<RunSummary['memory']>): PlotSpec {
  return {
    id: 'memory', title: 'Server memory', section: 'memory', markers: [], thresholds: [],
    x: { label: 'time since start', kind: 'seconds', values: memory.t }, y: { label: 'memory (MiB)' },
    series: [
      { label: 'RSS', unit: 'MiB', color: color(0), values: memory.rssMiB.map(finite) },
      { label: 'heap used', unit: 'MiB', color: color(1), values: memory.heapUsedMiB.map(finite) },
    ],
  };
}

/**
 * The report's plots, in page order: connected bots, throughput (all requests and the busiest
 * routes), errors; then for each route (the first {@link MAX_ROUTE_PLOTS} of {@link routeOrder})
 * its latency over time (p50, p99; gaps in seconds without requests) and its latency histogram;
 * then the server's memory when the summary has it.
 */
export function reportPlots(summary: RunSummary): PlotSpec[] {
  const routes = routeOrder(summary);
  return [
    ...runPlots(summary, routes),
    ...routes.slice(0, MAX_ROUTE_PLOTS).flatMap((route, i) => routePlots(summary, route, i)),
    ...(summary.memory ? [memoryPlot(summary.memory)] : []),
  ];
}
