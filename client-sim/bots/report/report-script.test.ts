import { describe, expect, it } from 'vitest';
import { REPORT_SCRIPT } from './report-script.js';

describe('REPORT_SCRIPT', () => {
  it('is a script that compiles on its own, with no import, export or fetch', () => {
    expect(() => new Function(REPORT_SCRIPT)).not.toThrow();
    expect(REPORT_SCRIPT).not.toMatch(/\bimport\b|\bexport\b|fetch\(|XMLHttpRequest|<\/script/i);
  });

  it('reads the plot specifications from the page and reports how many plots it drew', () => {
    expect(REPORT_SCRIPT).toContain("document.getElementById('plots')");
    expect(REPORT_SCRIPT).toContain("'data-plots-drawn'");
  });
});
