/**
 * Options of a `LinkEmulator`: what a caller may pass, the defaults, and the one function that
 * checks them and fills the defaults in, before anything is emulated.
 */

/** How one direction of an emulated link treats the datagrams sent through it. */
export interface LinkEmulatorOptions {
  /** Seed of every random decision: an integer from -2^31 to 2^32 - 1. */
  seed: number;
  /** Probability that a datagram is dropped, 0 to 1 (default 0). */
  lossRate?: number;
  /** Probability that a datagram that is not lost also arrives a second time, 0 to 1 (default 0). */
  duplicateRate?: number;
  /** Base one-way delay in ms, >= 0 (default 0). */
  latencyMs?: number;
  /** Extra delay drawn uniformly from [0, jitterMs) per datagram, >= 0 (default 0). */
  jitterMs?: number;
  /**
   * The delay as a range instead: uniform in [min, max) per datagram, the way the reference KCP
   * test harness (LatencySimulator in ikcp's test.h) states it. Its defaults, a round trip of 60 to
   * 125 ms with 10% round-trip loss and 1,000 datagrams in flight, are per direction about
   * `delayMs: { min: 30, max: 62.5 }`, `lossRate: 0.05`, `maxInFlight: 1000`, `preserveOrder: true`.
   * Shorthand for `latencyMs: min, jitterMs: max - min`; giving both forms is an error.
   */
  delayMs?: { min: number; max: number };
  /** Probability that a datagram is held back by `reorderDelayMs` on top of its delay, 0 to 1 (default 0). */
  reorderRate?: number;
  /** The hold-back for `reorderRate`, >= 0 (default twice `jitterMs`, at least 20 ms). */
  reorderDelayMs?: number;
  /**
   * Deliver in send order (default false): a datagram whose delay would let it overtake an
   * earlier one waits for it instead, as in a FIFO tunnel. The reference KCP harness delivers
   * this way. Cannot be combined with a `reorderRate` above 0.
   */
  preserveOrder?: boolean;
  /** The link's rate in bytes per second, > 0; unlimited when absent. */
  bandwidthBytesPerSecond?: number;
  /**
   * With a bandwidth cap, the most bytes waiting for or in serialization; a datagram past it is
   * dropped (tail drop). An integer >= 1 (default 1 MiB). Without a cap nothing queues.
   */
  maxQueuedBytes?: number;
  /** The most datagrams in flight at once; past it new ones are dropped. An integer >= 1 (default 100,000). */
  maxInFlight?: number;
  /** The most bytes in flight at once; past it new datagrams are dropped. An integer >= 1 (default 256 MiB). */
  maxInFlightBytes?: number;
}

/** {@link LinkEmulatorOptions} after validation: every default filled in, the delay as latency and jitter. */
export interface ResolvedLinkOptions {
  readonly seed: number;
  readonly lossRate: number;
  readonly duplicateRate: number;
  readonly latencyMs: number;
  readonly jitterMs: number;
  readonly reorderRate: number;
  readonly reorderDelayMs: number;
  readonly preserveOrder: boolean;
  readonly bandwidthBytesPerSecond: number | undefined;
  readonly maxQueuedBytes: number;
  readonly maxInFlight: number;
  readonly maxInFlightBytes: number;
}

/** The largest datagram a link carries: the largest UDP payload over IPv4. */
export const MAX_DATAGRAM_BYTES = 65_507;

/** Defaults of the optional limits. */
export const LINK_DEFAULTS = Object.freeze({
  maxQueuedBytes: 1024 * 1024,
  maxInFlight: 100_000,
  maxInFlightBytes: 256 * 1024 * 1024,
  minReorderDelayMs: 20,
});

/**
 * Checks `options` and returns them complete and frozen.
 * @throws TypeError when `options` is not an object.
 * @throws RangeError naming the first bad option: a rate outside [0, 1], a negative or non-finite
 *   delay, a bandwidth that is not > 0, a limit that is not a positive integer, a seed that is not
 *   a 32-bit integer, `preserveOrder` that is not a boolean or is set with a `reorderRate`, or
 *   `delayMs` given together with `latencyMs` or `jitterMs`.
 */
export function resolveLinkOptions(options: LinkEmulatorOptions): ResolvedLinkOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('LinkEmulator: options must be an object');
  const { seed } = options;
  if (!Number.isInteger(seed) || seed < -(2 ** 31) || seed >= 2 ** 32) {
    throw new RangeError(`LinkEmulator: seed must be a 32-bit integer, got ${seed}`);
  }
  let latencyMs = nonNegative('latencyMs', options.latencyMs ?? 0);
  let jitterMs = nonNegative('jitterMs', options.jitterMs ?? 0);
  if (options.delayMs !== undefined) {
    if (options.latencyMs !== undefined || options.jitterMs !== undefined) {
      throw new RangeError('LinkEmulator: give delayMs or latencyMs/jitterMs, not both');
    }
    const { min, max } = options.delayMs;
    latencyMs = nonNegative('delayMs.min', min);
    if (!(nonNegative('delayMs.max', max) >= min)) {
      throw new RangeError(`LinkEmulator: delayMs.max ${max} is below delayMs.min ${min}`);
    }
    jitterMs = max - min;
  }
  const bandwidth = options.bandwidthBytesPerSecond;
  if (bandwidth !== undefined && !(bandwidth > 0 && Number.isFinite(bandwidth))) {
    throw new RangeError(`LinkEmulator: bandwidthBytesPerSecond must be a finite number > 0, got ${bandwidth}`);
  }
  const reorderRate = rate('reorderRate', options.reorderRate);
  const preserveOrder = options.preserveOrder ?? false;
  if (typeof preserveOrder !== 'boolean') throw new RangeError(`LinkEmulator: preserveOrder must be a boolean, got ${String(preserveOrder)}`);
  if (preserveOrder && reorderRate > 0) throw new RangeError('LinkEmulator: a link with preserveOrder cannot have a reorderRate');
  return Object.freeze({
    seed,
    lossRate: rate('lossRate', options.lossRate),
    duplicateRate: rate('duplicateRate', options.duplicateRate),
    latencyMs,
    jitterMs,
    reorderRate,
    reorderDelayMs: nonNegative('reorderDelayMs', options.reorderDelayMs ?? Math.max(2 * jitterMs, LINK_DEFAULTS.minReorderDelayMs)),
    preserveOrder,
    bandwidthBytesPerSecond: bandwidth,
    maxQueuedBytes: limit('maxQueuedBytes', options.maxQueuedBytes ?? LINK_DEFAULTS.maxQueuedBytes),
    maxInFlight: limit('maxInFlight', options.maxInFlight ?? LINK_DEFAULTS.maxInFlight),
    maxInFlightBytes: limit('maxInFlightBytes', options.maxInFlightBytes ?? LINK_DEFAULTS.maxInFlightBytes),
  });
}

function rate(name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (!(value >= 0 && value <= 1)) throw new RangeError(`LinkEmulator: ${name} must be from 0 to 1, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!(value >= 0 && Number.isFinite(value))) {
    throw new RangeError(`LinkEmulator: ${name} must be a finite number >= 0, got ${value}`);
  }
  return value;
}

function limit(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`LinkEmulator: ${name} must be an integer >= 1, got ${value}`);
  }
  return value;
}
