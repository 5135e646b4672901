import { describe, expect, it } from 'vitest';
import { sampleSummary } from './fixtures/sample-summary.js';
import { loadReportAssets } from './report-assets.js';
import { reportHtml } from './report-html.js';
import { reportPlots } from './report-plots.js';

const assets = await loadReportAssets();

/** The text of the `<script type="application/json">` element with this id. */
function jsonOf(html: string, id: string): unknown {
  const match = new RegExp(`<script type="application/json" id="${id}">(.*?)</script>`, 's').exec(html);
  return JSON.parse(match![1]!);
}

describe('reportHtml', () => {
  it('is one page with uPlot, the style sheet and the script inlined, loading nothing from anywhere', () => {
    const html = reportHtml(sampleSummary(), assets);
    expect(html).toContain(assets.uplotCss);
    expect(html).toContain(assets.uplotJs.slice(0, 200));
    expect(html).not.toMatch(/<script[^>]*\ssrc=|<link\b|<img\b|<iframe\b|@import|url\(/i);
    // Every link is to a place in the page.
    expect([...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.startsWith('#'))).not.toContain(false);
  });

  it('puts the verdict and the objectives before everything else', () => {
    const html = reportHtml(sampleSummary(), assets);
    const at = (s: string): number => html.indexOf(s);
    expect(at('id="verdict"')).toBeGreaterThan(0);
    expect(at('id="verdict"')).toBeLessThan(at('id="objectives"'));
    expect(at('id="objectives"')).toBeLessThan(at('id="figures"'));
    expect(at('id="figures"')).toBeLessThan(at('id="run"'));
    expect(html).toContain('<title>FAILED: arena-play, 2,000 bots</title>');
  });

  it('has a figure for every plot, with its title, and embeds the specifications and the summary', () => {
    const summary = sampleSummary({ memory: true });
    const html = reportHtml(summary, assets);
    const plots = reportPlots(summary);
    for (const plot of plots) expect(html).toContain(`<figure class="plot" id="plot-${plot.id}"><figcaption>${plot.title}</figcaption>`);
    expect(jsonOf(html, 'plots')).toEqual(JSON.parse(JSON.stringify(plots)));
    expect(jsonOf(html, 'summary')).toEqual(JSON.parse(JSON.stringify(summary)));
    expect(html).toContain('<section id="memory">');
    expect(html).toContain(summary.memory!.verdict);
  });

  it("gives each line of the soak's verdict a paragraph of its own", () => {
    const summary = sampleSummary({ memory: true });
    summary.memory!.verdict = 'heap: levels off\nresident memory: levels off\nat the end: 0 sessions live';
    expect(reportHtml(summary, assets)).toContain('<p>heap: levels off</p>\n<p>resident memory: levels off</p>\n<p>at the end: 0 sessions live</p>');
  });

  it('has no memory section without a soak', () => {
    expect(reportHtml(sampleSummary(), assets)).not.toContain('id="memory"');
  });

  it('keeps text from the summary from ending its elements or making markup', () => {
    const summary = sampleSummary();
    summary.scenario.name = '</script><script>alert(1)</script>';
    summary.samples = ['<!-- </style> -->'];
    const html = reportHtml(summary, assets);
    expect(html.match(/<script/g)).toHaveLength(4);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<!-- </style>');
    expect((jsonOf(html, 'summary') as { scenario: { name: string } }).scenario.name).toBe(summary.scenario.name);
  });

  it('keeps inlined code from ending its element', () => {
    const html = reportHtml(sampleSummary(), { uplotJs: 'var s = "</script>";', uplotCss: '/* </style> */' });
    expect(html).toContain('var s = "<\\/script>";');
    expect(html).toContain('/* <\\/style> */');
  });
});
