/**
 * The failing inputs `npm run fuzz` found, one JSON file each under
 * `bench/fuzz-failures/<target name>/`, which every CI run of the target replays: once the defect
 * is fixed the file stays, as that defect's regression test.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromFuzzJson, toFuzzJson, type FuzzJson } from './fuzz-json.js';

/** Where failures are saved: `bench/fuzz-failures/` at the repository root. */
export const FUZZ_FAILURES_DIR = fileURLToPath(new URL('../../../bench/fuzz-failures/', import.meta.url));

/** One failure file. */
export interface SavedFailure {
  /** The target's name. */
  target: string;
  /** What went wrong when it was found: the error's message, a hang or a heap overflow. */
  error: string;
  /** When it was found (ISO 8601). */
  found: string;
  /** The fast-check seed of the run that found it, to reproduce the search (absent for hand-written files). */
  seed?: number;
  /** The input, in the form of fuzz-json.ts. */
  input: FuzzJson;
}

/** A failure file read back. */
export interface ReplayableFailure {
  /** Its path. */
  file: string;
  /** What it says it found. */
  error: string;
  /** The input, ready to feed to the target. */
  input: unknown;
}

/**
 * The saved failures of a target, in file name order; none when it has no folder.
 * @param dir the failures folder (default {@link FUZZ_FAILURES_DIR}).
 * @throws Error when a file is not a failure file.
 */
export async function readSavedFailures(targetName: string, dir = FUZZ_FAILURES_DIR): Promise<ReplayableFailure[]> {
  const folder = join(dir, targetName);
  let names: string[];
  try {
    names = (await readdir(folder)).filter((name) => name.endsWith('.json')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return Promise.all(
    names.map(async (name) => {
      const file = join(folder, name);
      const saved = JSON.parse(await readFile(file, 'utf8')) as Partial<SavedFailure>;
      if (typeof saved.error !== 'string' || !('input' in saved)) throw new Error(`fuzz: ${file} is not a failure file (it needs "error" and "input")`);
      return { file, error: saved.error, input: fromFuzzJson(saved.input as FuzzJson) };
    }),
  );
}

/**
 * Saves a failing input as `<target>/<hash of the input>.json`, so that finding it again writes
 * the same file.
 * @param dir the failures folder (default {@link FUZZ_FAILURES_DIR}).
 * @returns the file's path.
 */
export async function saveFailure(failure: Omit<SavedFailure, 'input'> & { input: unknown }, dir = FUZZ_FAILURES_DIR): Promise<string> {
  const input = toFuzzJson(failure.input);
  const text = JSON.stringify(input);
  const folder = join(dir, failure.target);
  await mkdir(folder, { recursive: true });
  const file = join(folder, `${createHash('sha256').update(text).digest('hex').slice(0, 16)}.json`);
  const saved: SavedFailure = { target: failure.target, error: failure.error, found: failure.found, ...(failure.seed === undefined ? {} : { seed: failure.seed }), input };
  await writeFile(file, `${JSON.stringify(saved, null, 2)}\n`);
  return file;
}
