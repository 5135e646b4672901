import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../engine/timer/clock.js';
import { ClientError } from '../errors.js';
import { BotMetrics, MAX_NAMES, MAX_SAMPLES_PER_INTERVAL, OTHER } from './bot-metrics.js';
import { BotError } from './errors.js';

function metrics(): { m: BotMetrics; clock: ManualClock } {
  const clock = new ManualClock();
  return { m: new BotMetrics(3, clock, clock.now()), clock };
}

describe('BotMetrics', () => {
  it('records latencies by name in microseconds and hands the interval over in a snapshot', () => {
    const { m, clock } = metrics();
    for (let ms = 1; ms <= 100; ms++) m.timed('Echo.echo', ms);
    m.timed('Echo.echo', 7.5, 'LOBBY_ERR_UNKNOWN_ROUTE', 'Echo.echo: no such route');
    m.timed('login', 120);
    m.notify();
    m.push();
    m.push();
    m.iteration();
    m.setCounts(40, 2);
    clock.advance(1_000);
    const s = m.snapshot();
    expect(s).toMatchObject({ worker: 3, at: 1_000, connected: 40, connecting: 2, notifies: 1, pushes: 2, iterations: 1 });
    expect(s.errors).toEqual({ LOBBY_ERR_UNKNOWN_ROUTE: 1 });
    expect(s.samples).toEqual(['LOBBY_ERR_UNKNOWN_ROUTE: Echo.echo: no such route']);
    expect(Object.keys(s.routes).sort()).toEqual(['Echo.echo', 'login']);
    expect(s.routes['Echo.echo']).toMatchObject({ count: 101, errors: 1 });
    const h = decodeFromCompressedBase64(s.routes['Echo.echo']!.histogram);
    expect(h.totalCount).toBe(101);
    expect(h.getValueAtPercentile(50) / 1000).toBeCloseTo(50, 0);
    expect(h.maxValue / 1000).toBeCloseTo(100, 0);
    expect(decodeFromCompressedBase64(s.routes.login!.histogram).maxValue / 1000).toBeCloseTo(120, 0);
  });

  it('starts each interval empty, keeping only the bot counts', () => {
    const { m, clock } = metrics();
    m.timed('Echo.echo', 5, 'X');
    m.check('echoed', false, 'got 2');
    m.notify();
    m.setCounts(5, 1);
    m.snapshot();
    clock.advance(1_000);
    expect(m.snapshot()).toEqual({ worker: 3, at: 1_000, connected: 5, connecting: 1, routes: {}, notifies: 0, pushes: 0, iterations: 0, errors: {}, checks: {}, samples: [] });
  });

  it('counts latencies of an hour or more, and negative ones, at the bounds', () => {
    const { m } = metrics();
    m.timed('slow', 5 * 3_600_000);
    m.timed('slow', -3);
    const h = decodeFromCompressedBase64(m.snapshot().routes.slow!.histogram);
    expect(h.totalCount).toBe(2);
    expect(h.maxValue / 3_600_000_000).toBeCloseTo(1, 2);
    expect(h.getValueAtPercentile(1)).toBe(0);
  });

  it(`keeps at most ${MAX_NAMES} names, errors and checks, counting the rest under ${OTHER}`, () => {
    const { m } = metrics();
    for (let i = 0; i < MAX_NAMES + 50; i++) {
      m.timed(`Route.r${i}`, 1);
      m.error(`CODE_${i}`);
      m.check(`check ${i}`, true);
    }
    m.timed('Route.r0', 1);
    const s = m.snapshot();
    for (const table of [s.routes, s.errors, s.checks]) expect(Object.keys(table)).toHaveLength(MAX_NAMES + 1);
    expect(s.routes[OTHER]!.count).toBe(50);
    expect(s.routes['Route.r0']!.count).toBe(2);
    expect(s.errors[OTHER]).toBe(50);
    expect(s.checks[OTHER]).toEqual({ pass: 50, fail: 0 });
  });

  it('keeps a name like __proto__ as an own entry and cuts names over 255 characters', () => {
    const { m } = metrics();
    m.timed('__proto__', 1);
    m.error('__proto__');
    m.timed('x'.repeat(400), 1);
    const s = m.snapshot();
    expect(Object.hasOwn(s.routes, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(s.routes)).toBe(Object.prototype);
    expect(s.errors.__proto__).toBe(1);
    expect(Object.keys(s.routes)).toContain('x'.repeat(255));
  });

  it(`keeps the first failure detail of each code and check, at most ${MAX_SAMPLES_PER_INTERVAL} an interval`, () => {
    const { m } = metrics();
    m.error('GATE_ERR_RATE_LIMIT', 'first');
    m.error('GATE_ERR_RATE_LIMIT', 'second');
    m.check('hero seen', false, 'bot-1: no hero');
    m.check('hero seen', false, 'bot-2: no hero');
    m.check('reply ok', false);
    m.log('bot-1: hello');
    expect(m.snapshot().samples).toEqual(['GATE_ERR_RATE_LIMIT: first', 'check hero seen failed: bot-1: no hero', 'check reply ok failed', 'bot-1: hello']);
    m.error('GATE_ERR_RATE_LIMIT', 'third');
    for (let i = 0; i < 20; i++) m.error(`CODE_${i}`, 'x');
    const samples = m.snapshot().samples;
    expect(samples).toHaveLength(MAX_SAMPLES_PER_INTERVAL);
    expect(samples[0]).toBe('CODE_0: x');
  });

  it('counts a failure once per error object, and never a BOT_ERR_STOPPED', () => {
    const { m } = metrics();
    const refused = new ClientError('CLIENT_ERR_NOT_OPEN', 'closed');
    expect(m.timedFailure('Echo.echo', 3, refused)).toBe('CLIENT_ERR_NOT_OPEN');
    expect(m.failure(refused)).toBeUndefined();
    expect(m.failure(new BotError('BOT_ERR_STOPPED', 'stop'))).toBeUndefined();
    expect(m.failure(new TypeError('x is undefined'))).toBe('TypeError');
    const s = m.snapshot();
    expect(s.errors).toEqual({ CLIENT_ERR_NOT_OPEN: 1, TypeError: 1 });
    expect(s.routes['Echo.echo']).toMatchObject({ count: 1, errors: 1 });
  });
});
