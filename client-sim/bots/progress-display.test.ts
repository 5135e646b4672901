import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../engine/timer/clock.js';
import { ProgressDisplay, renderProgressBlock, renderProgressLine, type ProgressView } from './progress-display.js';

function view(overrides: Partial<ProgressView> = {}): ProgressView {
  return {
    scenario: 'play',
    bots: 2000,
    rampMs: 30_000,
    durationMs: 120_000,
    elapsedMs: 15_000,
    stopping: false,
    live: {
      connected: 990,
      connecting: 12,
      rps: 4321.4,
      errorsByCode: { CLIENT_ERR_REQUEST_TIMEOUT: 2, LOBBY_ERR_UNKNOWN_ROUTE: 7 },
      routes: { 'Controls.move': { p50: 2.14, p99: 48.6 }, 'Arena.hunt': { p50: 3, p99: 120.2 } },
    },
    ...overrides,
  };
}

describe('renderProgressBlock', () => {
  it('shows bots connected of the target, req/s, errors by code and p50/p99 per route', () => {
    const text = renderProgressBlock(view()).join('\n');
    expect(text).toContain('play: ramping up, 15s of 2m30s');
    expect(text).toContain('990/2000 connected, 12 connecting');
    expect(text).toContain('requests  4321/s');
    expect(text).toContain('errors    LOBBY_ERR_UNKNOWN_ROUTE 7, CLIENT_ERR_REQUEST_TIMEOUT 2');
    expect(text).toMatch(/Arena\.hunt\s+3\.0\s+120\n/);
    expect(text).toMatch(/Controls\.move\s+2\.1\s+49/);
  });

  it('draws a bar for the ramp and one for the steady part', () => {
    const lines = renderProgressBlock(view({ elapsedMs: 90_000 }));
    expect(lines.find((l) => l.startsWith('ramp'))).toContain(`[${'#'.repeat(30)}] 100%  30s/30s`);
    expect(lines.find((l) => l.startsWith('duration'))).toContain(`[${'#'.repeat(15)}${'.'.repeat(15)}]  50%  1m/2m`);
    expect(renderProgressBlock(view({ rampMs: 0 })).some((l) => l.startsWith('ramp'))).toBe(false);
  });

  it("shows the busiest worker's event-loop delay, and says when the bots are too busy to time the server", () => {
    expect(renderProgressBlock(view({ workerDelayMs: 12.3 }))[1]).toBe('bots      990/2000 connected, 12 connecting; worker delay p99 12 ms');
    expect(renderProgressLine(view({ workerDelayMs: 250 }))).toContain('12 connecting; worker delay p99 250 ms (bots busy: latencies include their own delay), 4321 req/s');
  });

  it('says when the run stops, and when nothing failed', () => {
    const text = renderProgressBlock(view({ stopping: true, live: { ...view().live, errorsByCode: {} } })).join('\n');
    expect(text).toContain('stopping: bots finish and log out');
    expect(text).toContain('errors    none');
  });

  it('bounds the routes and errors it lists, and cuts lines to the terminal width', () => {
    const routes = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`Route.r${String(i).padStart(2, '0')}`, { p50: 1, p99: 2 }]));
    const errorsByCode = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`ERR_${i}`, i + 1]));
    const lines = renderProgressBlock(view({ live: { ...view().live, routes, errorsByCode } }), 40);
    expect(lines.filter((l) => l.startsWith('Route.'))).toHaveLength(12);
    expect(lines).toContain('(+8 more routes)');
    expect(lines.find((l) => l.startsWith('errors'))).toMatch(/^errors {4}ERR_7 8, ERR_6 7/);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(40);
    expect(renderProgressBlock(view({ live: { ...view().live, errorsByCode } })).join('\n')).toContain('+3 more');
  });
});

describe('renderProgressLine', () => {
  it('puts the figures on one plain line', () => {
    const line = renderProgressLine(view());
    expect(line).toBe(
      '[15s/2m30s] play ramping up: 990/2000 connected, 12 connecting, 4321 req/s, errors LOBBY_ERR_UNKNOWN_ROUTE 7, CLIENT_ERR_REQUEST_TIMEOUT 2; ' +
        'Arena.hunt p50 3.0 p99 120 ms, Controls.move p50 2.1 p99 49 ms',
    );
    expect(line).not.toContain('\x1b');
  });
});

describe('ProgressDisplay', () => {
  function output(columns?: number) {
    const writes: string[] = [];
    return { writes, out: { columns, write: (text: string) => writes.push(text) } };
  }

  it('redraws the block in place every 500 ms on a terminal, and stops its timer', () => {
    const clock = new ManualClock();
    const { writes, out } = output(120);
    let elapsedMs = 0;
    const display = new ProgressDisplay({ mode: 'tty', out, clock, view: () => view({ elapsedMs }) });
    display.start();
    expect(writes).toHaveLength(1);
    expect(writes[0]).not.toContain('\x1b');
    const height = writes[0]!.split('\n').length - 1;
    elapsedMs = 500;
    clock.advance(500);
    expect(writes).toHaveLength(2);
    expect(writes[1]!.startsWith(`\x1b[${height}F\x1b[J`)).toBe(true);
    display.stop();
    expect(writes).toHaveLength(3);
    expect(clock.pendingCount).toBe(0);
    clock.advance(5_000);
    expect(writes).toHaveLength(3);
  });

  it('draws 100 columns on a terminal that does not say its width', () => {
    const clock = new ManualClock();
    const { writes, out } = output(0);
    const display = new ProgressDisplay({ mode: 'tty', out, clock, view: () => view() });
    display.start();
    display.stop();
    expect(writes[0]).toContain('990/2000 connected, 12 connecting');
  });

  it('writes a plain line every 5 s when not on a terminal', () => {
    const clock = new ManualClock();
    const { writes, out } = output();
    const display = new ProgressDisplay({ mode: 'lines', out, clock, view: () => view() });
    display.start();
    clock.advance(4_999);
    expect(writes).toHaveLength(1);
    clock.advance(1);
    expect(writes).toHaveLength(2);
    display.stop();
    expect(writes).toHaveLength(3);
    expect(writes.every((w) => w.endsWith('\n') && w.split('\n').length === 2)).toBe(true);
    expect(clock.pendingCount).toBe(0);
  });

  it('prints a line above the block on a terminal, drawing the block again below it', () => {
    const clock = new ManualClock();
    const { writes, out } = output(120);
    const display = new ProgressDisplay({ mode: 'tty', out, clock, view: () => view() });
    display.start();
    const height = writes[0]!.split('\n').length - 1;
    display.print('bot-7: hello');
    expect(writes[1]).toBe(`\x1b[${height}F\x1b[Jbot-7: hello\n`);
    expect(writes[2]).toBe(writes[0]);
    display.stop();
  });

  it('prints lines as they are in mode lines, and not at all in mode none', () => {
    const clock = new ManualClock();
    const lines = output();
    const shown = new ProgressDisplay({ mode: 'lines', out: lines.out, clock, view: () => view() });
    shown.print('bot-7: hello');
    expect(lines.writes).toEqual(['bot-7: hello\n']);
    const none = output();
    new ProgressDisplay({ mode: 'none', out: none.out, clock, view: () => view() }).print('bot-7: hello');
    expect(none.writes).toEqual([]);
  });

  it('draws nothing in mode none', () => {
    const clock = new ManualClock();
    const { writes, out } = output();
    const display = new ProgressDisplay({ mode: 'none', out, clock, view: () => view() });
    display.start();
    clock.advance(60_000);
    display.stop();
    expect(writes).toHaveLength(0);
    expect(clock.pendingCount).toBe(0);
  });
});
