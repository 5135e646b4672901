/**
 * A bot's per-request measuring against recording straight into hdr-histogram-js: 1M latencies
 * (log-normal-ish, 0.1–500 ms) over 8 routes, then one snapshot, as a worker does each second.
 * Ours is BotMetrics.timed (a typed-array increment per value, turned into an HDR histogram per
 * route at the snapshot); the baseline records each value into a histogram per route and encodes
 * those, which is what every other load tool built on HDR does. The same values in the same order.
 */
import { build, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { BotMetrics } from '../client-sim/bots/bot-metrics.js';
import { ManualClock } from '../engine/timer/clock.js';
import type { Benchmark, BenchReport, Figure } from './lib/benchmark.js';

const VALUES = 1_000_000;
const ROUTES = Array.from({ length: 8 }, (_, i) => `Route.r${i}`);
const RUNS = 9;

// Deterministic latencies in ms: exp of a uniform spread, 0.1 to about 500 ms.
const latencies = Float64Array.from({ length: VALUES }, (_, i) => 0.1 * Math.exp(((i * 7919) % 10_007) / 10_007 * 8.5));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function ours(metrics: BotMetrics): number {
  const start = performance.now();
  for (let i = 0; i < VALUES; i++) metrics.timed(ROUTES[i & 7]!, latencies[i]!);
  metrics.snapshot();
  return performance.now() - start;
}

function baseline(histograms: Histogram[]): number {
  const start = performance.now();
  for (let i = 0; i < VALUES; i++) histograms[i & 7]!.recordValue(Math.round(latencies[i]! * 1000));
  for (const h of histograms) {
    encodeIntoCompressedBase64(h);
    h.reset();
  }
  return performance.now() - start;
}

const figures = (ms: number): Record<string, Figure> => ({
  'records/s': { value: VALUES / (ms / 1000), unit: 'ops/s', better: 'higher' },
  'per run': { value: ms, unit: 'ms', better: 'lower' },
});

const benchmark: Benchmark = {
  name: 'bot-metrics',
  description: `${VALUES / 1e6}M latencies over ${ROUTES.length} routes and a snapshot: BotMetrics vs hdr-histogram-js recordValue`,
  async run(): Promise<BenchReport> {
    const clock = new ManualClock(0);
    const metrics = new BotMetrics(0, clock, 0);
    const histograms = ROUTES.map(() => build({ lowestDiscernibleValue: 1, highestTrackableValue: 2, numberOfSignificantValueDigits: 3, autoResize: true }));
    const a: number[] = [];
    const b: number[] = [];
    // Run 0 warms the JIT and is discarded; the order alternates.
    for (let run = 0; run <= RUNS; run++) {
      let x: number;
      let y: number;
      if (run % 2 === 0) {
        x = ours(metrics);
        y = baseline(histograms);
      } else {
        y = baseline(histograms);
        x = ours(metrics);
      }
      if (run === 0) continue;
      a.push(x);
      b.push(y);
    }
    return {
      figures: figures(median(a)),
      baseline: figures(median(b)),
      compare: ['records/s', 'per run'].map((k) => ({ ours: k, baseline: k })),
      params: { values: VALUES, routes: ROUTES.length, runs: RUNS },
    };
  },
};

export default benchmark;
