/**
 * Bundles a game's web client for browsers with esbuild: its script and everything it imports
 * (the browser SDK, `tessera/client/browser`) in one ES module. Node modules fail the build, as
 * they would fail in the browser.
 */
import { build } from 'esbuild';
import { FROM_SOURCE } from '../../engine/config/find-module-file.js';

/** ECMAScript version of the bundle: what current browsers run without transforms. */
const TARGET = 'es2022';

/** A bundled web client. */
export interface WebClientBundle {
  /** The minified ES module; its last line names its source map, `main.js.map`, beside it. */
  script: string;
  /** The source map, so that the browser's tools show the game's own sources. */
  map: string;
}

/** The bundle's file name, which its source map comment refers to. */
export const BUNDLE_NAME = 'main.js';

/**
 * The bundle of `script`. Run from the engine's TypeScript sources, `tessera` imports resolve to
 * them too (the `tessera-source` condition).
 * @throws Error naming the script and listing esbuild's messages when it does not build.
 */
export async function bundleWebClient(script: string): Promise<WebClientBundle> {
  let result;
  try {
    result = await build({
      entryPoints: [script],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: TARGET,
      conditions: FROM_SOURCE ? ['tessera-source'] : [],
      minify: true,
      sourcemap: 'linked',
      // Nothing is written: the name only labels the output files and the source map comment.
      outfile: BUNDLE_NAME,
      write: false,
      logLevel: 'silent',
    });
  } catch (err) {
    const errors = (err as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors;
    const lines = errors?.map(({ text, location }) => (location ? `${location.file}:${location.line}:${location.column}: ${text}` : text)) ?? [String(err)];
    throw new Error(`web client ${script} does not build:\n  ${lines.join('\n  ')}`, { cause: err });
  }
  const file = (suffix: string): string => result.outputFiles.find((f) => f.path.endsWith(suffix))!.text;
  return { script: file(`/${BUNDLE_NAME}`), map: file(`/${BUNDLE_NAME}.map`) };
}
