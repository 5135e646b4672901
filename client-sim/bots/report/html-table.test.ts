import { describe, expect, it } from 'vitest';
import { htmlTable } from './html-table.js';

describe('htmlTable', () => {
  it('escapes the header, keeps cells as HTML, classes rows and right-aligns numeric columns', () => {
    const html = htmlTable(['route', 'p99 <ms>'], [{ cells: ['<code>a</code>', '12'], className: 'fail' }], { numeric: ['p99 <ms>'] });
    expect(html).toContain('<thead><tr><th>route</th><th class="num">p99 &lt;ms&gt;</th></tr></thead>');
    expect(html).toContain('<tr class="fail"><td><code>a</code></td><td class="num">12</td></tr>');
    expect(html).toMatch(/^<table class="data">/);
  });

  it('has no header row when given no headings', () => {
    const html = htmlTable([], [{ cells: ['bots', '2,000'] }]);
    expect(html).not.toContain('<thead>');
    expect(html).toContain('<td>bots</td><td>2,000</td>');
  });

  it('is a paragraph saying what is empty when there are no rows', () => {
    expect(htmlTable(['code'], [], { empty: 'No <errors>.' })).toBe('<p class="empty">No &lt;errors&gt;.</p>');
    expect(htmlTable(['code'], [])).toBe('<p class="empty">None.</p>');
  });
});
