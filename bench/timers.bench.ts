/**
 * Timer service against plain Node timers: schedule 100k timers with delays spread over 0–50 ms,
 * cancel every other one, wait for the rest to fire. The baseline does exactly the same with
 * setTimeout/clearTimeout in the same run. A third figure runs the service on a ManualClock, which
 * leaves only the data structure's cost: schedule 100k, cancel half, advance to fire the rest.
 */
import type { Benchmark, BenchReport, Figure } from './lib/benchmark.js';
import type { Logger } from '../engine/log/types.js';
import { ManualClock, SystemClock, type Clock } from '../engine/timer/clock.js';
import { createTimerService, type TimerId } from '../engine/timer/timer-service.js';

const TIMERS = 100_000;
const SPREAD_MS = 50;
const RUNS = 9;
// Each run schedules every timer, cancels half, and fires the other half.
const OPS = TIMERS + TIMERS / 2 + TIMERS / 2;

/** One run's measurements. */
interface Sample {
  /** Scheduling through the last firing, wall clock. */
  totalMs: number;
  /** The synchronous part alone: scheduling every timer and cancelling half. */
  scheduleCancelMs: number;
  /** CPU time (user + system) over the whole run. */
  cpuMs: number;
}

/**
 * A way to run timers. Each contender has its own loops so that every call site stays
 * monomorphic: a loop shared by both would measure V8's deoptimisations, not the timers.
 */
interface Contender {
  scheduleAll(onFire: () => void): void;
  cancelHalf(): void;
}

const silentLogger: Logger = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => silentLogger,
};

// Integer delays, as game code mostly uses; one fixed list for every contender and run.
const delays = Array.from({ length: TIMERS }, (_, i) => (i * 7919) % (SPREAD_MS + 1));

/** Our contender: a TimerService on `clock`. */
function serviceContender(clock: Clock): Contender {
  // One service for every run, as a server keeps one: like Node's own timer lists, it stays warm.
  const service = createTimerService({ clock, logger: silentLogger });
  const ids = new Array<TimerId>(TIMERS).fill(0);
  return {
    scheduleAll(onFire) {
      for (let i = 0; i < TIMERS; i++) ids[i] = service.once(delays[i]!, onFire);
    },
    cancelHalf() {
      for (let i = 0; i < TIMERS; i += 2) service.cancel(ids[i]!);
    },
  };
}

/** The baseline: one Node timer per timer. */
function nodeContender(): Contender {
  const handles = new Array<NodeJS.Timeout | undefined>(TIMERS).fill(undefined);
  return {
    scheduleAll(onFire) {
      for (let i = 0; i < TIMERS; i++) handles[i] = setTimeout(onFire, delays[i]!);
    },
    cancelHalf() {
      for (let i = 0; i < TIMERS; i += 2) clearTimeout(handles[i]);
    },
  };
}

async function runOnce(contender: Contender): Promise<Sample> {
  let left = TIMERS / 2;
  let lastFire = 0;
  let finish = (): void => {};
  let fail = (_err: Error): void => {};
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // Our clock timer is unref'd, so this ref'd guard keeps the process alive while we wait.
  const guard = setTimeout(() => fail(new Error(`timers bench: ${left} timers never fired`)), 10_000);
  // One shared callback for both contenders, so neither pays for a closure per timer.
  const onFire = (): void => {
    if (--left > 0) return;
    lastFire = performance.now();
    clearTimeout(guard);
    finish();
  };
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  contender.scheduleAll(onFire);
  contender.cancelHalf();
  const scheduled = performance.now();
  await done;
  const cpu = process.cpuUsage(cpuStart);
  return { totalMs: lastFire - start, scheduleCancelMs: scheduled - start, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Schedule, cancel half, fire the rest on a ManualClock; returns the elapsed ms. */
function runManual(clock: ManualClock, contender: Contender): number {
  let fired = 0;
  const onFire = (): void => void fired++;
  const start = performance.now();
  contender.scheduleAll(onFire);
  contender.cancelHalf();
  clock.advance(SPREAD_MS);
  const elapsed = performance.now() - start;
  if (fired !== TIMERS / 2) throw new Error(`timers bench: manual run fired ${fired} of ${TIMERS / 2}`);
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

function summarize(samples: Sample[]): Record<string, Figure> {
  const total = median(samples.map((s) => s.totalMs));
  const scheduleCancel = median(samples.map((s) => s.scheduleCancelMs));
  return {
    'total ops/s': { value: OPS / (total / 1000), unit: 'ops/s', better: 'higher' },
    'total wall': { value: total, unit: 'ms', better: 'lower' },
    'schedule+cancel ops/s': { value: (TIMERS * 1.5) / (scheduleCancel / 1000), unit: 'ops/s', better: 'higher' },
    'cpu per run': { value: median(samples.map((s) => s.cpuMs)), unit: 'ms', better: 'lower' },
  };
}

const benchmark: Benchmark = {
  name: 'timers',
  description: `${TIMERS / 1000}k timers over 0–${SPREAD_MS} ms, half cancelled: TimerService vs setTimeout`,
  async run(): Promise<BenchReport> {
    const service = serviceContender(new SystemClock());
    const node = nodeContender();
    const ours: Sample[] = [];
    const base: Sample[] = [];
    // Run 0 warms up the JIT for both and is discarded; the order alternates so neither always
    // runs right after the other's garbage.
    for (let run = 0; run <= RUNS; run++) {
      const first = run % 2 === 0 ? service : node;
      const a = await runOnce(first);
      const b = await runOnce(first === service ? node : service);
      if (run === 0) continue;
      ours.push(first === service ? a : b);
      base.push(first === service ? b : a);
    }
    const clock = new ManualClock(0);
    const manual = serviceContender(clock);
    const manualMs: number[] = [];
    for (let run = 0; run <= RUNS; run++) manualMs.push(runManual(clock, manual));
    const figures = summarize(ours);
    figures['manual clock ops/s'] = { value: OPS / (median(manualMs.slice(1)) / 1000), unit: 'ops/s', better: 'higher' };
    return {
      figures,
      baseline: summarize(base),
      compare: ['total ops/s', 'total wall', 'schedule+cancel ops/s', 'cpu per run'].map((k) => ({ ours: k, baseline: k })),
      params: { timers: TIMERS, spreadMs: SPREAD_MS, cancelled: TIMERS / 2, runs: RUNS, opsPerRun: OPS },
    };
  },
};

export default benchmark;
