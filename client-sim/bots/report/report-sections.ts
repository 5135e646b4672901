/**
 * The top of the report, what a reader looks at first: the title, whether the run passed (and if
 * not, why), the objectives with their measured values, and the run's key figures.
 */
import type { ObjectiveResult, RunSummary } from '../run-summary.js';
import { escapeHtml } from './html-escape.js';
import { htmlTable } from './html-table.js';
import { formatCount, formatDuration, formatMs, formatPercent, formatPerSecond } from './report-format.js';

/** The report's title, the scenario's description and where and when it ran. */
export function headerHtml(summary: RunSummary): string {
  const { scenario, options } = summary;
  const description = scenario.description ? `<p class="description">${escapeHtml(scenario.description)}</p>` : '';
  return `<header>
<h1>Load test: ${escapeHtml(scenario.name)}</h1>
${description}
<p class="meta">${escapeHtml(`${formatCount(options.bots)} bots over ${options.transport} against ${options.login} · ${scenario.path} · ${summary.startedAt} to ${summary.endedAt}`)}</p>
</header>`;
}

function verdict(summary: RunSummary): { word: string; className: string; line: string } {
  if (summary.ended === 'interrupted') {
    return { word: 'INTERRUPTED', className: 'interrupted', line: 'The run was stopped before its end; the figures cover the part that ran.' };
  }
  if (summary.passed) return { word: 'PASSED', className: 'passed', line: 'Every objective and check passed.' };
  const failed = summary.objectives.filter((o) => !o.passed).length;
  const line = summary.ended === 'failed' ? 'The runner could not go on.' : `${failed} of ${summary.objectives.length} objectives failed.`;
  return { word: 'FAILED', className: 'failed', line };
}

/** The verdict: PASSED, FAILED or INTERRUPTED, in a coloured banner, with the failures listed. */
export function verdictHtml(summary: RunSummary): string {
  const { word, className, line } = verdict(summary);
  const failures = summary.failures.length > 0 ? `<ul class="failures">${summary.failures.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>` : '';
  return `<section id="verdict" class="verdict ${className}">
<p><strong class="word">${word}</strong> ${escapeHtml(line)}</p>
${failures}
</section>`;
}

/** An objective's measured value in its unit. */
export function formatActual(result: ObjectiveResult): string {
  switch (result.objective.kind) {
    case 'latency':
      return formatMs(result.actual);
    case 'errorRate':
    case 'checks':
      return formatPercent(result.actual);
    case 'throughput':
      return formatPerSecond(result.actual);
  }
}

/** The objectives table: pass or fail (highlighted), what was asked, what was measured. */
export function objectivesHtml(summary: RunSummary): string {
  const rows = summary.objectives.map((o) => ({
    className: o.passed ? 'pass' : 'fail',
    cells: [`<span class="badge">${o.passed ? 'pass' : 'FAIL'}</span>`, escapeHtml(o.description), escapeHtml(formatActual(o))],
  }));
  return `<section id="objectives">
<h2>Objectives</h2>
${htmlTable(['result', 'objective', 'measured'], rows, { numeric: ['measured'], empty: 'The scenario sets no objectives; every check must pass.' })}
</section>`;
}

/** Tiles with the figures a reader wants first: bots, throughput, errors, iterations, duration. */
export function figuresHtml(summary: RunSummary): string {
  const { totals, options } = summary;
  const tiles: Array<[string, string, string]> = [
    ['peak connected', formatCount(totals.peakConnected), `of ${formatCount(options.bots)} bots`],
    ['throughput', formatPerSecond(totals.requestsPerSecond), 'requests, after the ramp'],
    ['requests', formatCount(totals.requests), `${formatCount(totals.notifies)} notifies, ${formatCount(totals.pushes)} pushes`],
    ['error rate', formatPercent(totals.errorRate), `${formatCount(totals.errors)} errors`],
    ['iterations', formatCount(totals.iterations), `${formatCount(totals.loginsOk)} logins, ${formatCount(totals.loginsFailed)} failed`],
    ['duration', formatDuration(options.rampMs + options.durationMs), options.rampMs > 0 ? `${formatDuration(options.rampMs)} ramp, then ${formatDuration(options.durationMs)}` : 'no ramp'],
  ];
  const html = tiles
    .map(([name, value, note]) => `<div class="tile"><div class="name">${escapeHtml(name)}</div><div class="value">${escapeHtml(value)}</div><div class="note">${escapeHtml(note)}</div></div>`)
    .join('\n');
  return `<section id="figures">
<h2>At a glance</h2>
<div class="tiles">
${html}
</div>
</section>`;
}
