/**
 * The HTML report in a real browser: Debian's Chromium, driven by playwright-core (as the browser
 * SDK's test does). A report written from a realistic summary is opened from its file in an
 * offline browser context; every plot must be drawn (its canvas has pixels in each series'
 * colour), nothing may be fetched, and a full-page screenshot, saved beside the report as
 * screenshot.png, must show the plots' colours inside each plot's box. Hostile text in a summary
 * stays text, and a run that timed nothing still gives a page without script errors.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinary } from '../../../engine/testing/find-binary.js';
import type { RunSummary } from '../run-summary.js';
import { sampleSummary } from './fixtures/sample-summary.js';
import { reportPlots, type PlotSpec } from './report-plots.js';
import { writeReport } from './write-report.js';

let dir: string;
let browser: Browser;

beforeAll(async () => {
  // Before anything starts: a missing browser fails here, naming scripts/setup.sh.
  const executablePath = findBinary('chromium');
  dir = await mkdtemp(join(tmpdir(), 'bots-report-'));
  browser = await chromium.launch({ executablePath });
});

afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Opened {
  page: Page;
  errors: string[];
  requests: string[];
  url: string;
}

/** Writes `summary`'s report into its own folder and opens it offline; waits for the script to finish. */
async function openReport(name: string, summary: RunSummary, options: { javaScriptEnabled?: boolean } = {}): Promise<Opened & { folder: string }> {
  const folder = join(dir, name);
  const { html } = await writeReport(folder, summary);
  const context = await browser.newContext({ offline: true, viewport: { width: 1400, height: 900 }, ...options });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (err) => errors.push(`${err.name}: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('request', (request) => requests.push(request.url()));
  const url = pathToFileURL(html).href;
  await page.goto(url);
  if (options.javaScriptEnabled !== false) await page.waitForSelector('body[data-plots-drawn]');
  return { page, errors, requests, url, folder };
}

/** How many opaque pixels of `color` (each channel within 48) the canvas of each plot in `ids` holds. */
async function colorPixels(page: Page, ids: string[], color: string): Promise<number[]> {
  return page.evaluate(({ ids, color }) => ids.map((id) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`#plot-${id} canvas`)!;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16)) as [number, number, number];
    let n = 0;
    for (let p = 0; p < data.length; p += 4) if (data[p + 3]! >= 100 && Math.abs(data[p]! - r) <= 48 && Math.abs(data[p + 1]! - g) <= 48 && Math.abs(data[p + 2]! - b) <= 48) n++;
    return n;
  }), { ids, color });
}

/** How many pixels of each series' colour (opaque enough, each channel within 48) each plot's canvas holds. */
async function seriesPixels(page: Page, specs: PlotSpec[]): Promise<Record<string, { painted: number; series: number[] }>> {
  return page.evaluate((specs) => {
    const hex = (c: string): number[] => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
    const result: Record<string, { painted: number; series: number[] }> = {};
    for (const spec of specs) {
      const canvas = document.querySelector<HTMLCanvasElement>(`#plot-${spec.id} canvas`);
      if (!canvas) continue;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const colors = spec.series.map((s) => hex(s.color));
      const series = colors.map(() => 0);
      let painted = 0;
      for (let p = 0; p < data.length; p += 4) {
        if (data[p + 3]! === 0) continue;
        painted++;
        if (data[p + 3]! < 100) continue;
        colors.forEach((c, i) => {
          if (Math.abs(data[p]! - c[0]!) <= 48 && Math.abs(data[p + 1]! - c[1]!) <= 48 && Math.abs(data[p + 2]! - c[2]!) <= 48) series[i]!++;
        });
      }
      result[spec.id] = { painted, series };
    }
    return result;
  }, specs);
}

describe('the HTML report in Chromium', () => {
  const summary = sampleSummary({ memory: true });
  const specs = reportPlots(summary);

  it('opens offline from its file, fetches nothing else, and draws every plot with every series', async () => {
    const { page, errors, requests, url } = await openReport('full', summary);
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    // 3 plots of the run, latency over time and a histogram for each of 6 routes, memory.
    expect(specs).toHaveLength(3 + 2 * 6 + 1);
    expect(await page.getAttribute('body', 'data-plots-drawn')).toBe(String(specs.length));
    expect(await page.locator('figure.plot').count()).toBe(specs.length);
    expect(await page.locator('figure.plot canvas').count()).toBe(specs.length);
    expect(await page.locator('#plot-error').isHidden()).toBe(true);
    const pixels = await seriesPixels(page, specs);
    for (const spec of specs) {
      expect(pixels[spec.id]?.painted, spec.id).toBeGreaterThan(1000);
      spec.series.forEach((s, i) => expect(pixels[spec.id]!.series[i], `${spec.id} ${s.label}`).toBeGreaterThan(20));
    }
  });

  it('shows the verdict and the failed objective at the top, and a legend naming each series', async () => {
    const { page } = await openReport('top', summary);
    const verdict = page.locator('#verdict');
    expect(await verdict.textContent()).toContain('FAILED');
    const first = await page.evaluate(() => Array.from(document.querySelectorAll('h2'), (h) => h.textContent));
    expect(first.slice(0, 2)).toEqual(['Objectives', 'At a glance']);
    expect(await page.locator('#objectives tr.fail').textContent()).toContain('p99 of Combat.attack < 40 ms');
    const latency = page.locator('#plot-route-0-latency');
    expect(await latency.locator('.u-legend').textContent()).toMatch(/p50.*p99/);
    expect(await page.locator('#plot-throughput .u-legend').textContent()).toMatch(/all requests.*Controls\.move.*Combat\.attack/);
  });

  it("draws the objectives' lines on the latency and throughput plots they judge, and on no other", async () => {
    const { page } = await openReport('objectives', summary);
    // Controls.move, Combat.attack and throughput have objectives; Lobby.enterField, errors and connected bots have none.
    const [move, attack, throughput, enter, errorsPlot, connected] = await colorPixels(page, ['route-0-latency', 'route-1-latency', 'throughput', 'route-2-latency', 'errors', 'connected'], '#b42318');
    expect([move, attack, throughput].map((n) => n! > 100)).toEqual([true, true, true]);
    // A few edge pixels of the vermilion p99 and error lines come near the objectives' red.
    expect([enter, errorsPlot, connected].map((n) => n! < 20)).toEqual([true, true, true]);
  });

  it('saves a full-page screenshot beside the report whose plot boxes show the series colours', async () => {
    const { page, folder } = await openReport('screenshot', summary);
    const boxes = await page.evaluate((ids) => ids.map((id) => {
      const r = document.querySelector(`#plot-${id} canvas`)!.getBoundingClientRect();
      return { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height };
    }), specs.map((s) => s.id));
    const path = join(folder, 'screenshot.png');
    await page.screenshot({ path, fullPage: true });
    const png = await readFile(path);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // The screenshot, decoded by the browser: the first series' colour inside each plot's box.
    const shot = await browser.newPage();
    const counts = await shot.evaluate(
      async ({ dataUrl, boxes, colors }) => {
        const img = new Image();
        img.src = dataUrl;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.width;
        canvas.height = img.height;
        const ctx = canvas.getContext('2d')!;
        ctx.drawImage(img, 0, 0);
        return boxes.map((box, i) => {
          const { data } = ctx.getImageData(box.x, box.y, box.width, box.height);
          const [r, g, b] = [1, 3, 5].map((k) => parseInt(colors[i]!.slice(k, k + 2), 16)) as [number, number, number];
          let n = 0;
          for (let p = 0; p < data.length; p += 4) if (Math.abs(data[p]! - r) <= 48 && Math.abs(data[p + 1]! - g) <= 48 && Math.abs(data[p + 2]! - b) <= 48) n++;
          return n;
        });
      },
      { dataUrl: `data:image/png;base64,${png.toString('base64')}`, boxes, colors: specs.map((s) => s.series[0]!.color) },
    );
    await shot.close();
    expect(counts).toHaveLength(specs.length);
    counts.forEach((n, i) => expect(n, specs[i]!.id).toBeGreaterThan(20));
  });

  it('keeps hostile text from the summary as text and still draws', async () => {
    const hostile = sampleSummary({ routes: 2 });
    const evil = '</script><script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">';
    hostile.scenario.name = `arena ${evil}`;
    hostile.samples.push(`a bot said ${evil}`);
    hostile.checks[evil] = { pass: 1, fail: 1 };
    hostile.routes[`Evil.${evil}`] = { ...hostile.routes['Controls.move']! };
    hostile.series.routes[`Evil.${evil}`] = hostile.series.routes['Controls.move']!;
    const { page, errors, requests, url } = await openReport('hostile', hostile);
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('h1').textContent()).toBe(`Load test: arena ${evil}`);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.getAttribute('body', 'data-plots-drawn')).toBe(String(reportPlots(hostile).length));
  });

  it('draws a run that timed nothing (no bot connected) without script errors', async () => {
    const empty = sampleSummary({ routes: 0 });
    empty.series = { t: [], connected: [], requestsPerSecond: [], errorsPerSecond: [], routes: {} };
    empty.ended = 'interrupted';
    const { page, errors } = await openReport('empty', empty);
    expect(errors).toEqual([]);
    expect(await page.getAttribute('body', 'data-plots-drawn')).toBe('3');
    expect(await page.locator('#verdict').textContent()).toContain('INTERRUPTED');
  });

  it('shows the verdict and tables with scripts off', async () => {
    const { page } = await openReport('no-script', summary, { javaScriptEnabled: false });
    expect(await page.locator('#verdict').textContent()).toContain('FAILED');
    expect(await page.locator('#routes table.data tbody tr').count()).toBe(6);
  });
});
