/// <reference lib="dom" />
/**
 * The live load charts: one uPlot chart per measure (sessions, CPU, tick time, event-loop lag),
 * one line per server, redrawn from the {@link StatsHistory} after each sample. A chart is built
 * again when its set of servers changes (a server joins or leaves), else only its data changes.
 * Under each chart a line of text gives every server's latest value, for screen readers and tests.
 */
import uPlot from 'uplot';
import { formatClock } from './format.js';
import { MEASURES, type MeasureName, type StatsHistory } from './stats-history.js';

/** Height of a chart in CSS pixels. */
const HEIGHT = 180;
/** Line colours, one per server in id order (a colour-blind-safe palette). */
const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'] as const;

/** Spacings of the time axis's ticks, in seconds. */
const TICK_SECONDS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

interface Chart {
  figure: HTMLElement;
  host: HTMLElement;
  latest: HTMLElement;
  plot: uPlot | undefined;
  /** The servers `plot` has lines for, joined. */
  key: string;
}

/** A value as the charts write it: at most two decimals. */
function value(v: number | null | undefined): string {
  return v === null || v === undefined ? '\u2014' : v.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** The four load charts in `container`. */
export class LoadCharts {
  private readonly charts = new Map<MeasureName, Chart>();

  constructor(container: HTMLElement) {
    for (const name of Object.keys(MEASURES) as MeasureName[]) {
      const figure = document.createElement('figure');
      figure.className = 'chart';
      figure.dataset.measure = name;
      const caption = document.createElement('figcaption');
      caption.textContent = `${MEASURES[name].title} (${MEASURES[name].unit})`;
      const host = document.createElement('div');
      const latest = document.createElement('p');
      latest.className = 'latest';
      figure.append(caption, host, latest);
      container.append(figure);
      this.charts.set(name, { figure, host, latest, plot: undefined, key: '' });
    }
    window.addEventListener('resize', () => {
      for (const chart of this.charts.values()) chart.plot?.setSize({ width: this.widthOf(chart.host), height: HEIGHT });
    });
  }

  /** Draws the history's latest window on every chart. */
  update(history: StatsHistory): void {
    for (const [name, chart] of this.charts) {
      const { servers, data } = history.series(name);
      const key = servers.join('\n');
      if (chart.plot && chart.key !== key) {
        chart.plot.destroy();
        chart.plot = undefined;
      }
      if (!chart.plot) chart.plot = new uPlot(this.options(name, servers, chart.host), data, chart.host);
      else chart.plot.setData(data);
      chart.key = key;
      // Points drawn: what a test waits for before it looks at a chart.
      chart.figure.dataset.points = String(data[0].length);
      chart.latest.textContent = servers.length === 0 ? 'No data yet.' : `Latest: ${servers.map((id, i) => `${id} ${value(data[i + 1]![data[0].length - 1])}`).join(', ')}`;
    }
  }

  private widthOf(host: HTMLElement): number {
    return Math.max(240, host.clientWidth);
  }

  private options(name: MeasureName, servers: string[], host: HTMLElement): uPlot.Options {
    const { unit } = MEASURES[name];
    return {
      width: this.widthOf(host),
      height: HEIGHT,
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      // Whole seconds between ticks, so that no two ticks read the same.
      axes: [{ space: 70, incrs: TICK_SECONDS, values: (_u, splits) => splits.map((s) => formatClock(s * 1000)) }, { label: unit, size: 56 }],
      series: [
        { label: 'time (UTC)', value: (_u, v) => (v === null ? '' : formatClock(v * 1000)) },
        ...servers.map((id, i) => ({ label: id, stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: false, points: { show: false }, value: (_u: uPlot, v: number | null) => value(v) })),
      ],
    };
  }
}
