/**
 * A run's report on disk: `summary.json` (the {@link RunSummary}, for tools and CI) and
 * `report.html` (one self-contained page with tables and plots that opens offline).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from '../run-summary.js';
import { loadReportAssets } from './report-assets.js';
import { reportHtml } from './report-html.js';

/** The files {@link writeReport} wrote. */
export interface ReportFiles {
  /** The path of `summary.json`. */
  json: string;
  /** The path of `report.html`. */
  html: string;
}

/**
 * Writes `summary.json` and then `report.html` into `folder`, creating it (and its parents) when
 * missing and replacing files of those names. The JSON is the summary as it is, indented; NaN
 * (a value nothing measured) is written as null.
 * @returns the paths of the two files.
 * @throws Error (from Node) when the folder cannot be created or written.
 */
export async function writeReport(folder: string, summary: RunSummary): Promise<ReportFiles> {
  await mkdir(folder, { recursive: true });
  const json = join(folder, 'summary.json');
  const html = join(folder, 'report.html');
  await writeFile(json, `${JSON.stringify(summary, null, 2)}\n`);
  await writeFile(html, reportHtml(summary, await loadReportAssets()));
  return { json, html };
}
