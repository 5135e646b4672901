/**
 * The capacity model's error catalogue (`npm run capacity`): each stops the tool with a non-zero
 * exit. Codes are stable and never reused; each has a test and a line in docs/errors.md.
 */
import { CodedError } from '../../engine/errors/coded-error.js';

export const CAPACITY_ERRORS = {
  CAPACITY_ERR_USAGE: { message: 'bad arguments', when: '`npm run capacity` without `--ccu`, with an option it does not know, or a number that is not one or is out of its range' },
  CAPACITY_ERR_MISSING_RESULT: { message: 'a benchmark result is missing', when: 'a result file the model reads (bench/results/<name>.json) does not exist: run `npm run bench -- <name>` first' },
  CAPACITY_ERR_BAD_RESULT: { message: 'a benchmark result cannot be used', when: 'a result file is not JSON, or lacks a figure or parameter the model reads (written by an older benchmark: run it again)' },
} as const;

/** One of the codes in {@link CAPACITY_ERRORS}. */
export type CapacityErrorCode = keyof typeof CAPACITY_ERRORS;

/** Why the capacity model could not run. */
export class CapacityError extends CodedError<CapacityErrorCode> {
  override readonly name = 'CapacityError';

  /**
   * @param code the catalogue code.
   * @param detail the file, figure or option at fault and what to do.
   * @param options `cause`: the error behind it.
   */
  constructor(code: CapacityErrorCode, detail: string, options?: { cause?: unknown }) {
    super(CAPACITY_ERRORS, code, detail, options);
  }
}
