/**
 * The scaling benchmark's error catalogue (`npm run bench -- scaling`): each stops the benchmark
 * before it measures anything. Codes are stable and never reused; each has a test and a line in
 * docs/errors.md.
 */
import { CodedError } from '../../engine/errors/coded-error.js';

export const SCALING_ERRORS = {
  SCALING_ERR_NO_CGROUP: {
    message: 'no CPU quota can be set',
    when: 'the scaling benchmark runs without root, or on a machine with neither a cgroup v1 `cpu` hierarchy nor a cgroup v2 `cpu` controller it may write (it caps each server with a CPU quota)',
  },
  SCALING_ERR_OPTIONS: {
    message: 'bad scaling settings',
    when: 'a `SCALING_*` environment variable of the scaling benchmark is not a number in its range (a CPU share above 0 and at most the cores, whole counts of servers and bots)',
  },
} as const;

/** One of the codes in {@link SCALING_ERRORS}. */
export type ScalingErrorCode = keyof typeof SCALING_ERRORS;

/** Why the scaling benchmark could not run. */
export class ScalingError extends CodedError<ScalingErrorCode> {
  override readonly name = 'ScalingError';

  /**
   * @param code the catalogue code.
   * @param detail what is missing or out of range, and what to do.
   * @param options `cause`: the error behind it.
   */
  constructor(code: ScalingErrorCode, detail: string, options?: { cause?: unknown }) {
    super(SCALING_ERRORS, code, detail, options);
  }
}
