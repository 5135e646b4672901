/**
 * The FerretDB build the tests run: scripts/setup.sh builds FerretDB v1 with its lookups by `_id`
 * on the `_id` index (stock v1 scans the whole table for each; see setup.sh) and marks the
 * version it reports with {@link FERRETDB_BUILD}. A stock build still passes the tests that use few
 * documents, but the cluster tests that hold a thousand players crawl on it, so it is refused.
 */
import { execFileSync } from 'node:child_process';

/** The suffix of the version our build reports (`v1.24.0-indexed-id`). */
export const FERRETDB_BUILD = 'indexed-id';

/**
 * @param version runs the binary with `--version` and returns what it printed.
 * @throws Error naming scripts/setup.sh when `binary` is not our build.
 */
export function checkFerretdbBuild(binary: string, version: (binary: string) => string = (b) => execFileSync(b, ['--version'], { encoding: 'utf8' })): void {
  const reported = /^version: (\S+)/m.exec(version(binary))?.[1];
  if (reported?.endsWith(`-${FERRETDB_BUILD}`)) return;
  throw new Error(
    `${binary} reports version ${reported ?? '(none)'}, not the build scripts/setup.sh makes (…-${FERRETDB_BUILD}, whose lookups by _id use the _id index). ` +
      `Run 'bash scripts/setup.sh' to build it, or set MONGO_URL to the URL of a running server for the tests to use instead.`,
  );
}
