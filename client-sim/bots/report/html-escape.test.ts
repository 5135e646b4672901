import { describe, expect, it } from 'vitest';
import { escapeHtml, inlineJson } from './html-escape.js';

describe('escapeHtml', () => {
  it('escapes the five characters that make markup or end an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>Tom & Jerry</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;');
  });

  it('leaves other text as it is', () => {
    expect(escapeHtml('p99 of Controls.move ≤ 50 ms')).toBe('p99 of Controls.move ≤ 50 ms');
  });
});

describe('inlineJson', () => {
  it('writes no < at all, so no </script or <!-- ends or changes the element', () => {
    const value = { name: '</script><script>alert(1)</script>', note: '<!-- x -->' };
    const text = inlineJson(value);
    expect(text).not.toContain('<');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('escapes the line and paragraph separators', () => {
    const text = inlineJson({ s: 'a\u2028b\u2029c' });
    expect(text).toBe('{"s":"a\\u2028b\\u2029c"}');
    expect(JSON.parse(text)).toEqual({ s: 'a\u2028b\u2029c' });
  });

  it('writes NaN and infinities as null', () => {
    expect(inlineJson([NaN, Infinity, 1.5])).toBe('[null,null,1.5]');
  });
});
