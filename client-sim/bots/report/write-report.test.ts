import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleSummary } from './fixtures/sample-summary.js';
import { writeReport } from './write-report.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'write-report-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeReport', () => {
  it('creates the folder and writes summary.json and report.html, returning their paths', async () => {
    const folder = join(dir, 'reports', 'arena-play-20261204-010000');
    const files = await writeReport(folder, sampleSummary());
    expect(files).toEqual({ json: join(folder, 'summary.json'), html: join(folder, 'report.html') });
    const html = await readFile(files.html, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('Load test: arena-play');
  });

  it('writes the summary as it is, with NaN (nothing measured) as null', async () => {
    const summary = sampleSummary();
    summary.objectives[0]!.actual = NaN;
    const { json } = await writeReport(dir, summary);
    const read = JSON.parse(await readFile(json, 'utf8'));
    expect(read.objectives[0].actual).toBeNull();
    expect(read).toEqual(JSON.parse(JSON.stringify(summary)));
    expect(read.routes['Controls.move'].p99).toBe(summary.routes['Controls.move']!.p99);
  });

  it('replaces the files of an earlier report in the same folder', async () => {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'summary.json'), 'old');
    const { json } = await writeReport(dir, sampleSummary());
    expect(JSON.parse(await readFile(json, 'utf8')).scenario.name).toBe('arena-play');
  });

  it('writes a report again from a summary read back from its summary.json, drawing its nulls as gaps and dashes', async () => {
    const summary = sampleSummary();
    summary.objectives[0]!.actual = NaN;
    const { json } = await writeReport(join(dir, 'first'), summary);
    const read = JSON.parse(await readFile(json, 'utf8'));
    const { html } = await writeReport(join(dir, 'again'), read);
    const page = await readFile(html, 'utf8');
    expect(page).toContain('<td>p99 of Controls.move &lt; 50 ms</td><td class="num">\u2014</td>');
    expect(page).toContain('Load test: arena-play');
  });
});
