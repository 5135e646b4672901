import { describe, expect, it } from 'vitest';
import { sampleSummary } from './fixtures/sample-summary.js';
import { checksTableHtml, errorsTableHtml, routesTableHtml, samplesHtml, settingsHtml } from './report-tables.js';

describe('routesTableHtml', () => {
  it('lists every route in report order with count, errors, rate and percentiles in ms, marking routes with errors', () => {
    const html = routesTableHtml(sampleSummary());
    const names = [...html.matchAll(/<tr[^>]*><td><code>([^<]+)<\/code>/g)].map((m) => m[1]);
    expect(names).toEqual(['Controls.move', 'Combat.attack', 'Lobby.enterField', 'push:arena.hit', 'wait:hero', 'login']);
    expect(html).toContain('<th class="num">p99.9</th>');
    expect(html).toMatch(/<tr class="warn"><td><code>Combat.attack<\/code><\/td><td class="num">[\d,]+<\/td><td class="num">12<\/td>/);
    expect(html).toContain('<td class="num">56.7 ms</td>');
  });

  it('says nothing was timed when there are no routes', () => {
    expect(routesTableHtml(sampleSummary({ routes: 0 }))).toBe('<p class="empty">Nothing was timed.</p>');
  });
});

describe('errorsTableHtml', () => {
  it('lists codes by count with their share, and says when there were none', () => {
    const html = errorsTableHtml(sampleSummary());
    expect(html.indexOf('GATE_ERR_RATE_LIMIT')).toBeLessThan(html.indexOf('BOT_ERR_PUSH_TIMEOUT'));
    expect(html).toContain('<td><code>GATE_ERR_RATE_LIMIT</code></td><td class="num">12</td><td class="num">80.0%</td>');
    expect(errorsTableHtml({ ...sampleSummary(), errors: {} })).toBe('<p class="empty">No errors.</p>');
  });
});

describe('checksTableHtml', () => {
  it('lists failing checks first, highlighted, with their pass rate', () => {
    const html = checksTableHtml(sampleSummary());
    expect(html.indexOf('hero in world')).toBeLessThan(html.indexOf('move accepted'));
    expect(html).toContain('<tr class="fail"><td>hero in world</td><td class="num">1,990</td><td class="num">10</td><td class="num">99.5%</td></tr>');
    expect(html).toContain('<tr class="pass"><td>move accepted</td>');
  });
});

describe('settingsHtml', () => {
  it('shows the options the run was given and its totals', () => {
    const html = settingsHtml(sampleSummary());
    expect(html).toContain('<td>login service</td><td>http://127.0.0.1:8080</td>');
    expect(html).toContain('<td>bad networks</td><td>10% at 150 ms, 20 ms jitter, 5% loss (bad)</td>');
    expect(html).toContain('<td>ended</td><td>2026-12-04T01:01:34.000Z (completed)</td>');
    expect(html).toContain('<td>logins</td><td>2,000 ok, 0 failed</td>');
    const clean = sampleSummary();
    clean.options.networks = [];
    expect(settingsHtml(clean)).toContain('<td>bad networks</td><td>none</td>');
  });
});

describe('samplesHtml', () => {
  it('lists the samples escaped, in order', () => {
    const summary = { ...sampleSummary(), samples: ['first <x>', 'second'] };
    expect(samplesHtml(summary)).toBe('<ol class="samples"><li><code>first &lt;x&gt;</code></li>\n<li><code>second</code></li></ol>');
    expect(samplesHtml({ ...summary, samples: [] })).toBe('<p class="empty">None.</p>');
  });
});
