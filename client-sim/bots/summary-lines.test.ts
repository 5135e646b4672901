import { describe, expect, it } from 'vitest';
import type { RunSummary } from './run-summary.js';
import { summaryLines } from './summary-lines.js';

function summary(overrides: Partial<RunSummary> = {}): RunSummary {
  const route = { count: 900, errors: 2, perSecond: 30, mean: 3, p50: 2.5, p90: 8, p99: 41.2, p999: 60, max: 75, histogram: [] };
  return {
    scenario: { name: 'echo', path: '/x/echo.ts' },
    options: { bots: 20, rampMs: 0, durationMs: 30_000, transport: 'tcp', login: 'http://127.0.0.1:8080', workers: 1, loginRatePerSecond: 50, networks: [], seed: 1 },
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:31.000Z',
    ended: 'completed',
    totals: { requests: 900, errors: 2, errorRate: 2 / 900, notifies: 0, pushes: 0, iterations: 900, loginsOk: 20, loginsFailed: 0, peakConnected: 20, requestsPerSecond: 30.2 },
    routes: { 'Echo.echo': route, login: { ...route, count: 20, errors: 0, p99: 120 } },
    errors: { CLIENT_ERR_REQUEST_TIMEOUT: 2 },
    checks: {},
    objectives: [
      { objective: { kind: 'latency', route: 'Echo.echo', percentile: 99, belowMs: 50 }, description: 'p99 of Echo.echo < 50 ms', actual: 41.2, passed: true },
      { objective: { kind: 'throughput', atLeast: 100 }, description: 'throughput >= 100 requests/s', actual: 30.2, passed: false },
    ],
    series: { t: [], connected: [], requestsPerSecond: [], errorsPerSecond: [], routes: {} },
    samples: [],
    passed: false,
    failures: ['throughput >= 100 requests/s: measured 30.2'],
    ...overrides,
  };
}

describe('summaryLines', () => {
  it('gives the outcome, the totals, each route, the errors, each objective and each failure', () => {
    expect(summaryLines(summary())).toEqual([
      'echo: completed, FAILED',
      'bots 20 (peak 20 connected), logins 20 ok / 0 failed, 900 requests (30/s steady), error rate 0.222%, 900 iterations',
      '  Echo.echo: 900 (2 failed), p50 2.5 ms, p99 41 ms, max 75 ms',
      '  login: 20 (0 failed), p50 2.5 ms, p99 120 ms, max 75 ms',
      'errors: CLIENT_ERR_REQUEST_TIMEOUT 2',
      'ok   p99 of Echo.echo < 50 ms (41.2)',
      'FAIL throughput >= 100 requests/s (30.2)',
      'failure: throughput >= 100 requests/s: measured 30.2',
    ]);
  });

  it('says when nothing was measured and when the run passed', () => {
    const lines = summaryLines(
      summary({
        passed: true,
        failures: [],
        errors: {},
        objectives: [{ objective: { kind: 'errorRate', below: 0.01 }, description: 'error rate < 1%', actual: Number.NaN, passed: false }],
      }),
    );
    expect(lines[0]).toBe('echo: completed, passed');
    expect(lines).toContain('FAIL error rate < 1% (nothing measured)');
    expect(lines.some((l) => l.startsWith('errors:'))).toBe(false);
  });
});
