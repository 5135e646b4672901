/**
 * Where the logger reports its own failures: a logger cannot log that logging failed, and must not
 * throw into its callers, so the first failure of each output goes to stderr and the rest are
 * only counted in that output's stats.
 */
import { isError } from './serialize-error.js';

/** Receives a failure of a log output (a file that cannot be opened, a failed prune, a broken pipe). */
export type LogErrorReporter = (err: unknown) => void;

/**
 * A reporter that writes the first error to stderr and ignores the rest.
 * @param what names the output in the message, e.g. `file transport /var/log/tessera`.
 * @param stderr where to write (default `process.stderr`); tests pass their own.
 */
export function reportOnceToStderr(what: string, stderr: { write(text: string): unknown } = process.stderr): LogErrorReporter {
  let reported = false;
  return (err) => {
    if (reported) return;
    reported = true;
    let text: string;
    try {
      text = isError(err) ? (err.stack ?? err.message) : String(err);
    } catch {
      text = 'unprintable error';
    }
    try {
      stderr.write(`log: ${what} failed (further errors of this output are not reported): ${text}\n`);
    } catch {
      // Even stderr is gone; there is nowhere left to say so.
    }
  };
}
