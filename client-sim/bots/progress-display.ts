/**
 * The live view of a bot run in the terminal. On a terminal, a block redrawn in place every
 * 500 ms: bots connected of the target, requests per second, errors by code, p50 and p99 per
 * route, and progress bars for the ramp and the steady part. Elsewhere (CI, a pipe), one plain
 * line every 5 seconds, which logs keep readable. The rendering is pure ({@link renderProgressBlock},
 * {@link renderProgressLine}); {@link ProgressDisplay} draws it on a clock's timers.
 */
import type { Clock, ClockTimer } from '../../engine/timer/clock.js';
import { formatDuration } from './parse-duration.js';

/** What the run looks like over its last seconds (the run aggregate's `live()`). */
export interface LiveFigures {
  connected: number;
  connecting: number;
  /** Requests per second. */
  rps: number;
  errorsByCode: Record<string, number>;
  /** Latencies in milliseconds by route. */
  routes: Record<string, { p50: number; p99: number }>;
}

/** Everything a frame of the display shows. */
export interface ProgressView {
  scenario: string;
  /** The run's target number of bots. */
  bots: number;
  rampMs: number;
  durationMs: number;
  /** Since the run started. */
  elapsedMs: number;
  /** True once the run stops: bots finish and log out. */
  stopping: boolean;
  live: LiveFigures;
  /** The busiest worker's p99 event-loop delay over its last second, in ms, once known. */
  workerDelayMs?: number;
}

/** `tty`: the redrawn block; `lines`: a line every 5 s; `none`: nothing. */
export type ProgressMode = 'tty' | 'lines' | 'none';

/** A worker whose event loop is this late (p99 of a second, ms) measures itself more than the server. */
export const BUSY_WORKER_MS = 100;
/** Routes shown in the block at most, and on a line. */
const BLOCK_ROUTES = 12;
const LINE_ROUTES = 4;
/** Error codes shown at most. */
const SHOWN_ERRORS = 5;
const BAR_WIDTH = 30;
/** A terminal narrower than this is taken as one that did not say its width. */
const MIN_COLUMNS = 20;

/** A latency: one decimal under 10 ms, whole milliseconds above. */
function ms(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return value < 10 ? value.toFixed(1) : Math.round(value).toString();
}

function bar(done: number, total: number): string {
  const share = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  const full = Math.round(share * BAR_WIDTH);
  return `[${'#'.repeat(full)}${'.'.repeat(BAR_WIDTH - full)}] ${Math.floor(share * 100)
    .toString()
    .padStart(3)}%`;
}

function topErrors(errors: Record<string, number>): { shown: string; total: number } {
  const entries = Object.entries(errors).filter(([, n]) => n > 0);
  entries.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const shown = entries.slice(0, SHOWN_ERRORS).map(([code, n]) => `${code} ${n}`);
  if (entries.length > SHOWN_ERRORS) shown.push(`+${entries.length - SHOWN_ERRORS} more`);
  return { shown: shown.join(', '), total };
}

/** A time of the run in whole seconds: the display changes once a second, not every frame. */
function seconds(ms: number): string {
  return formatDuration(Math.floor(ms / 1000) * 1000);
}

function phase(view: ProgressView): string {
  if (view.stopping) return 'stopping: bots finish and log out';
  return view.elapsedMs < view.rampMs ? 'ramping up' : 'steady';
}

/** The busiest worker's event-loop delay, and a warning when the bots rather than the server set the figures. */
function workerDelay(view: ProgressView): string {
  if (view.workerDelayMs === undefined) return '';
  const busy = view.workerDelayMs > BUSY_WORKER_MS ? ' (bots busy: latencies include their own delay)' : '';
  return `; worker delay p99 ${ms(view.workerDelayMs)} ms${busy}`;
}

/** The block shown on a terminal, one string per line, cut to `columns`. */
export function renderProgressBlock(view: ProgressView, columns = 100): string[] {
  const { live } = view;
  const steadyMs = Math.max(0, view.elapsedMs - view.rampMs);
  const lines = [
    `${view.scenario}: ${phase(view)}, ${seconds(view.elapsedMs)} of ${formatDuration(view.rampMs + view.durationMs)}`,
    `bots      ${live.connected}/${view.bots} connected, ${live.connecting} connecting${workerDelay(view)}`,
  ];
  if (view.rampMs > 0) lines.push(`ramp      ${bar(view.elapsedMs, view.rampMs)}  ${seconds(Math.min(view.elapsedMs, view.rampMs))}/${formatDuration(view.rampMs)}`);
  lines.push(`duration  ${bar(steadyMs, view.durationMs)}  ${seconds(Math.min(steadyMs, view.durationMs))}/${formatDuration(view.durationMs)}`);
  const errors = topErrors(live.errorsByCode);
  lines.push(`requests  ${Math.round(live.rps)}/s`, `errors    ${errors.total === 0 ? 'none' : errors.shown}`);
  const routes = Object.keys(live.routes).sort();
  if (routes.length > 0) {
    const width = Math.min(40, Math.max(5, ...routes.slice(0, BLOCK_ROUTES).map((r) => r.length)));
    lines.push(`${'route'.padEnd(width)}  ${'p50 ms'.padStart(8)}  ${'p99 ms'.padStart(8)}`);
    for (const route of routes.slice(0, BLOCK_ROUTES)) {
      const figures = live.routes[route]!;
      lines.push(`${route.slice(0, width).padEnd(width)}  ${ms(figures.p50).padStart(8)}  ${ms(figures.p99).padStart(8)}`);
    }
    if (routes.length > BLOCK_ROUTES) lines.push(`(+${routes.length - BLOCK_ROUTES} more routes)`);
  }
  return lines.map((line) => (line.length > columns ? line.slice(0, Math.max(1, columns - 1)) : line));
}

/** The plain line written when not on a terminal. */
export function renderProgressLine(view: ProgressView): string {
  const { live } = view;
  const errors = topErrors(live.errorsByCode);
  const routes = Object.keys(live.routes)
    .sort()
    .slice(0, LINE_ROUTES)
    .map((route) => `${route} p50 ${ms(live.routes[route]!.p50)} p99 ${ms(live.routes[route]!.p99)} ms`);
  const more = Object.keys(live.routes).length > LINE_ROUTES ? ' …' : '';
  return (
    `[${seconds(view.elapsedMs)}/${formatDuration(view.rampMs + view.durationMs)}] ${view.scenario} ${phase(view)}: ` +
    `${live.connected}/${view.bots} connected, ${live.connecting} connecting${workerDelay(view)}, ${Math.round(live.rps)} req/s, ` +
    `errors ${errors.total === 0 ? 'none' : errors.shown}` +
    (routes.length > 0 ? `; ${routes.join(', ')}${more}` : '')
  );
}

/** Where the display writes: a stream, with its width when it is a terminal. */
export interface ProgressOutput {
  write(text: string): unknown;
  columns?: number;
}

/** Settings of a {@link ProgressDisplay}. */
export interface ProgressDisplayOptions {
  mode: ProgressMode;
  out: ProgressOutput;
  clock: Clock;
  /** The figures of the moment, read at each frame. */
  view: () => ProgressView;
}

/** Redraw period on a terminal, and line period elsewhere. */
const TTY_PERIOD_MS = 500;
const LINE_PERIOD_MS = 5_000;

/** Draws the live view on a clock's timer until {@link stop}. */
export class ProgressDisplay {
  private timer: ClockTimer | undefined;
  private drawn = 0;
  private stopped = false;

  constructor(private readonly options: ProgressDisplayOptions) {}

  /** Draws the first frame and keeps drawing. */
  start(): void {
    if (this.options.mode === 'none' || this.stopped) return;
    this.frame();
  }

  /** Draws the last frame (on a terminal) or line, and stops; idempotent. */
  stop(): void {
    if (this.stopped) return;
    if (this.timer) this.options.clock.clearTimer(this.timer);
    this.timer = undefined;
    if (this.options.mode !== 'none') this.draw();
    this.stopped = true;
  }

  private frame(): void {
    this.draw();
    const period = this.options.mode === 'tty' ? TTY_PERIOD_MS : LINE_PERIOD_MS;
    this.timer = this.options.clock.setTimer(() => this.frame(), period);
  }

  /**
   * Prints a line for the person watching (a bot's log line): above the block on a terminal, which
   * is drawn again below it; as it is in mode `lines`; not at all in mode `none`.
   */
  print(line: string): void {
    const { mode, out } = this.options;
    if (mode === 'none') return;
    if (mode === 'tty' && this.drawn > 0 && !this.stopped) {
      out.write(`\x1b[${this.drawn}F\x1b[J${line}\n`);
      this.drawn = 0;
      this.draw();
      return;
    }
    out.write(`${line}\n`);
  }

  private draw(): void {
    const view = this.options.view();
    const { out } = this.options;
    if (this.options.mode === 'lines') {
      out.write(`${renderProgressLine(view)}\n`);
      return;
    }
    // A terminal that does not say its width (0 under some pseudo-terminals) gets 100 columns.
    const lines = renderProgressBlock(view, out.columns !== undefined && out.columns >= MIN_COLUMNS ? out.columns : 100);
    // Back to the first line of the last frame, clear to the end of the screen, draw the new one.
    const back = this.drawn > 0 ? `\x1b[${this.drawn}F\x1b[J` : '';
    out.write(`${back}${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }
}
