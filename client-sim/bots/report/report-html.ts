/**
 * The HTML report: one self-contained page (uPlot, the style sheet, the data and the drawing
 * script all inlined; no URL is fetched), so that it opens offline, from a file, or as a CI
 * artefact. Its order is what a reader asks first: did it pass, which objectives, the key
 * figures; then the run over time, each route's latency, the server's memory (soak runs), and the
 * tables. The tables are HTML, readable even where scripts are off; the plots are drawn by the
 * page's script from the specifications {@link reportPlots} computes.
 */
import type { RunSummary } from '../run-summary.js';
import { escapeHtml, inlineJson } from './html-escape.js';
import type { ReportAssets } from './report-assets.js';
import { formatCount } from './report-format.js';
import { MAX_ROUTE_PLOTS, reportPlots, routeOrder, type PlotSpec } from './report-plots.js';
import { REPORT_SCRIPT } from './report-script.js';
import { figuresHtml, headerHtml, objectivesHtml, verdictHtml } from './report-sections.js';
import { REPORT_CSS } from './report-style.js';
import { checksTableHtml, errorsTableHtml, routesTableHtml, samplesHtml, settingsHtml } from './report-tables.js';

/** Inlined code must not end its element early. */
const inlineText = (text: string, tag: 'script' | 'style'): string => text.replace(new RegExp(`</(${tag})`, 'gi'), '<\\/$1');

function figure(spec: PlotSpec): string {
  return `<figure class="plot" id="plot-${spec.id}"><figcaption>${escapeHtml(spec.title)}</figcaption><div class="plot-host"></div></figure>`;
}

function routesHtml(summary: RunSummary, plots: PlotSpec[]): string {
  const routes = routeOrder(summary);
  const sections = routes.slice(0, MAX_ROUTE_PLOTS).map((route) => {
    const figures = plots.filter((p) => p.route === route).map(figure).join('\n');
    return figures ? `<div class="plots">\n${figures}\n</div>` : '';
  });
  const more = routes.length > MAX_ROUTE_PLOTS ? `<p class="note">${routes.length - MAX_ROUTE_PLOTS} more routes are in the table above, not plotted.</p>` : '';
  return `<section id="routes">
<h2>Latency by route</h2>
<p class="note">Milliseconds from sending a request to its reply as the bots measured it (a push: from starting to wait for it; a wait: until the world matched; login: from its turn to log in to its session on the gate: registration when needed, the HTTP login, the connection and its handshake, authentication). Over time: each second's p50 and p99.</p>
${routesTableHtml(summary)}
${sections.join('\n')}
${more}
</section>`;
}

function memoryHtml(summary: RunSummary, plots: PlotSpec[]): string {
  if (!summary.memory) return '';
  return `<section id="memory">
<h2>Server memory</h2>
${summary.memory.verdict.split('\n').map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}
<div class="plots">
${plots.filter((p) => p.section === 'memory').map(figure).join('\n')}
</div>
</section>`;
}

/**
 * The report page for `summary`, with `assets` (uPlot) inlined. Every text from the summary is
 * escaped; the summary itself is embedded as JSON (`<script type="application/json" id="summary">`),
 * so the page alone carries the run's data.
 */
export function reportHtml(summary: RunSummary, assets: ReportAssets): string {
  const plots = reportPlots(summary);
  const nav = [['objectives', 'Objectives'], ['run', 'The run over time'], ['routes', 'Latency by route'], ...(summary.memory ? [['memory', 'Server memory']] : []), ['errors', 'Errors'], ['checks', 'Checks'], ['settings', 'Settings'], ['samples', 'Samples']]
    .map(([id, name]) => `<a href="#${id}">${name}</a>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${summary.passed ? 'PASSED' : summary.ended === 'interrupted' ? 'INTERRUPTED' : 'FAILED'}: ${summary.scenario.name}, ${formatCount(summary.options.bots)} bots`)}</title>
<style>${inlineText(assets.uplotCss, 'style')}</style>
<style>${REPORT_CSS}</style>
</head>
<body>
${headerHtml(summary)}
<nav>
${nav}
</nav>
${verdictHtml(summary)}
${objectivesHtml(summary)}
${figuresHtml(summary)}
<p id="plot-error" hidden></p>
<section id="run">
<h2>The run over time</h2>
<div class="plots">
${plots.filter((p) => p.section === 'run').map(figure).join('\n')}
</div>
</section>
${routesHtml(summary, plots)}
${memoryHtml(summary, plots)}
<section id="errors">
<h2>Errors by code</h2>
${errorsTableHtml(summary)}
</section>
<section id="checks">
<h2>Checks</h2>
${checksTableHtml(summary)}
</section>
<section id="settings">
<h2>Settings and totals</h2>
${settingsHtml(summary)}
</section>
<section id="samples">
<h2>Samples of failures and log lines</h2>
${samplesHtml(summary)}
</section>
<footer>Tessera load test report. The data: summary.json beside this file, also embedded in this page.</footer>
<script type="application/json" id="summary">${inlineJson(summary)}</script>
<script type="application/json" id="plots">${inlineJson(plots)}</script>
<script>${inlineText(assets.uplotJs, 'script')}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
