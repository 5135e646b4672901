/**
 * One fuzz target: a decoder that reads bytes from outside, the inputs to feed it, and what must
 * hold for every input. The same target runs in CI at a small count (its `*.fuzz.test.ts`) and for
 * minutes under `npm run fuzz`, which saves any failing input under `bench/fuzz-failures/` so that
 * the CI test replays it from then on.
 */
import type { Arbitrary } from 'fast-check';

/** A fuzz input as it is saved: JSON, with byte arrays written as `{ "$bytes": "<base64>" }`. */
export type FuzzInput = unknown;

/** A decoder under fuzzing. */
export interface FuzzTarget<T> {
  /** Stable name, `area.decoder` (e.g. `protocol.packet-decoder`); names the saved failures' folder. */
  readonly name: string;
  /** What it decodes, for the runner's report. */
  readonly description: string;
  /** The inputs: random bytes, and valid encodings mutated, truncated and extended. */
  readonly arbitrary: Arbitrary<T>;
  /**
   * Feeds one input to the decoder. Returns when the decoder accepted it or refused it the
   * documented way (a coded error, "need more bytes"); throws for a defect: any other exception,
   * a broken invariant (a size past its limit, a decoded value that breaks the decoder's own
   * contract), or a refusal of a valid input. Synchronous unless the decoder is not.
   */
  check(input: T): void | Promise<void>;
}

/**
 * Declares a fuzz target; the identity, for type inference.
 * @param target the target.
 */
export function defineFuzzTarget<T>(target: FuzzTarget<T>): FuzzTarget<T> {
  return target;
}
