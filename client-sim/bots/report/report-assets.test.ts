import { describe, expect, it } from 'vitest';
import { loadReportAssets } from './report-assets.js';

describe('loadReportAssets', () => {
  it("reads uPlot's browser build (the global uPlot) and its style sheet from the installed package", async () => {
    const { uplotJs, uplotCss } = await loadReportAssets();
    expect(uplotJs).toMatch(/var uPlot\s*=/);
    expect(uplotJs.length).toBeGreaterThan(20_000);
    expect(uplotCss).toContain('.uplot');
  });
});
