/** A run's summary in a few plain lines, printed by `npm run bots` at the end of a run. */
import type { RunSummary } from './run-summary.js';

/** At most this many routes are listed. */
const MAX_ROUTES = 10;

function ms(value: number): string {
  return Number.isFinite(value) ? `${value < 10 ? value.toFixed(1) : Math.round(value)} ms` : '-';
}

function measured(value: number): string {
  if (!Number.isFinite(value)) return 'nothing measured';
  return Number.isInteger(value) ? String(value) : value.toPrecision(3);
}

/** The outcome, totals, routes' latencies, objectives and failures of `summary`, one line each. */
export function summaryLines(summary: RunSummary): string[] {
  const { totals } = summary;
  const lines = [
    `${summary.scenario.name}: ${summary.ended}, ${summary.passed ? 'passed' : 'FAILED'}`,
    `bots ${summary.options.bots} (peak ${totals.peakConnected} connected), logins ${totals.loginsOk} ok / ${totals.loginsFailed} failed, ` +
      `${totals.requests} requests (${Math.round(totals.requestsPerSecond)}/s steady), error rate ${(totals.errorRate * 100).toFixed(3)}%, ` +
      `${totals.iterations} iterations`,
  ];
  const routes = Object.entries(summary.routes).sort((a, b) => b[1].count - a[1].count);
  for (const [name, route] of routes.slice(0, MAX_ROUTES)) {
    lines.push(`  ${name}: ${route.count} (${route.errors} failed), p50 ${ms(route.p50)}, p99 ${ms(route.p99)}, max ${ms(route.max)}`);
  }
  if (routes.length > MAX_ROUTES) lines.push(`  (+${routes.length - MAX_ROUTES} more in the report)`);
  const errors = Object.entries(summary.errors).sort((a, b) => b[1] - a[1]);
  if (errors.length > 0) lines.push(`errors: ${errors.map(([code, n]) => `${code} ${n}`).join(', ')}`);
  for (const result of summary.objectives) lines.push(`${result.passed ? 'ok  ' : 'FAIL'} ${result.description} (${measured(result.actual)})`);
  for (const failure of summary.failures) lines.push(`failure: ${failure}`);
  return lines;
}
