/**
 * The plotting library the report inlines: uPlot's browser build and its style sheet, read from
 * the installed package (node_modules), so that the report needs no network and the engine's
 * build (dist/) ships no copies of them.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/** The texts inlined into every report. */
export interface ReportAssets {
  /** uPlot's IIFE build, defining the global `uPlot`. */
  uplotJs: string;
  uplotCss: string;
}

/**
 * Reads uPlot's browser build and style sheet from the `uplot` package.
 * @throws Error (from Node) when the package is not installed.
 */
export async function loadReportAssets(): Promise<ReportAssets> {
  const require = createRequire(import.meta.url);
  const [uplotJs, uplotCss] = await Promise.all([
    readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  ]);
  return { uplotJs, uplotCss };
}
