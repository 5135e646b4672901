/**
 * The report's tables below the plots: latency by route, errors by code, checks, the run's
 * settings and totals, and the samples of failures and log lines.
 */
import type { RunSummary } from '../run-summary.js';
import { escapeHtml } from './html-escape.js';
import { htmlTable } from './html-table.js';
import { formatCount, formatDuration, formatMs, formatPercent, formatPerSecond } from './report-format.js';
import { routeOrder } from './report-plots.js';

const code = (text: string): string => `<code>${escapeHtml(text)}</code>`;

/** Every timed operation: count, errors, rate, and its latency percentiles in ms. */
export function routesTableHtml(summary: RunSummary): string {
  const head = ['route', 'count', 'errors', 'rate', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max'];
  const rows = routeOrder(summary).flatMap((name) => {
    const r = summary.routes[name];
    if (!r) return [];
    const cells = [code(name), formatCount(r.count), formatCount(r.errors), formatPerSecond(r.perSecond), ...[r.mean, r.p50, r.p90, r.p99, r.p999, r.max].map(formatMs)];
    return [{ cells: cells.map((c, i) => (i === 0 ? c : escapeHtml(c))), className: r.errors > 0 ? 'warn' : '' }];
  });
  return htmlTable(head, rows, { numeric: head.slice(1), empty: 'Nothing was timed.' });
}

/** Errors by code, most first, with their share of all errors. */
export function errorsTableHtml(summary: RunSummary): string {
  const entries = Object.entries(summary.errors).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const rows = entries.map(([name, n]) => ({ cells: [code(name), escapeHtml(formatCount(n)), escapeHtml(formatPercent(n / total))] }));
  return htmlTable(['code', 'count', 'share'], rows, { numeric: ['count', 'share'], empty: 'No errors.' });
}

/** Checks by name: passes, failures (highlighted) and pass rate. */
export function checksTableHtml(summary: RunSummary): string {
  const rows = Object.entries(summary.checks)
    .sort((a, b) => b[1].fail - a[1].fail || a[0].localeCompare(b[0]))
    .map(([name, { pass, fail }]) => ({
      className: fail > 0 ? 'fail' : 'pass',
      cells: [escapeHtml(name), escapeHtml(formatCount(pass)), escapeHtml(formatCount(fail)), escapeHtml(formatPercent(pass / (pass + fail)))],
    }));
  return htmlTable(['check', 'passed', 'failed', 'pass rate'], rows, { numeric: ['passed', 'failed', 'pass rate'], empty: 'The scenario makes no checks.' });
}

/** The run's settings, and its totals. */
export function settingsHtml(summary: RunSummary): string {
  const { options, totals } = summary;
  const pairs = (entries: Array<[string, string]>): string =>
    htmlTable([], entries.map(([name, value]) => ({ cells: [escapeHtml(name), escapeHtml(value)] })));
  const settings = pairs([
    ['scenario', summary.scenario.path],
    ['bots', formatCount(options.bots)],
    ['ramp', formatDuration(options.rampMs)],
    ['duration after the ramp', formatDuration(options.durationMs)],
    ['transport', options.transport],
    ['login service', options.login],
    ['worker threads', formatCount(options.workers)],
    ['login rate limit', formatPerSecond(options.loginRatePerSecond)],
    ['bad networks', options.networks.length > 0 ? options.networks.join('; ') : 'none'],
    ['seed', String(options.seed)],
    ['started', summary.startedAt],
    ['ended', `${summary.endedAt} (${summary.ended})`],
  ]);
  const totalsTable = pairs([
    ['requests', formatCount(totals.requests)],
    ['errors', `${formatCount(totals.errors)} (${formatPercent(totals.errorRate)})`],
    ['requests per second after the ramp', formatPerSecond(totals.requestsPerSecond)],
    ['notifies', formatCount(totals.notifies)],
    ['pushes received', formatCount(totals.pushes)],
    ['iterations', formatCount(totals.iterations)],
    ['logins', `${formatCount(totals.loginsOk)} ok, ${formatCount(totals.loginsFailed)} failed`],
    ['peak connected', formatCount(totals.peakConnected)],
  ]);
  return `<div class="columns"><div><h3>Settings</h3>\n${settings}</div><div><h3>Totals</h3>\n${totalsTable}</div></div>`;
}

/** The first failure details and the bots' log lines, as they were recorded. */
export function samplesHtml(summary: RunSummary): string {
  if (summary.samples.length === 0) return '<p class="empty">None.</p>';
  return `<ol class="samples">${summary.samples.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('\n')}</ol>`;
}
