/**
 * Think times: how long a bot waits between actions, drawn from a distribution so that a
 * thousand bots do not act in lockstep.
 */

/** A distribution of times in milliseconds. */
export type Distribution =
  | { kind: 'constant'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  /** Normal, cut at `minMs` (default 0) and `maxMs` (default mean + 4 sd). */
  | { kind: 'normal'; meanMs: number; sdMs: number; minMs?: number; maxMs?: number }
  /** Exponential (the gaps of a Poisson process), cut at `maxMs` (default 10 × mean). */
  | { kind: 'exponential'; meanMs: number; maxMs?: number };

function finite(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0, not ${value}`);
  return value;
}

/** Constructors of distributions, checked when made. */
export const thinkTime = {
  constant: (ms: number): Distribution => ({ kind: 'constant', ms: finite('ms', ms) }),
  uniform(minMs: number, maxMs: number): Distribution {
    if (finite('maxMs', maxMs) < finite('minMs', minMs)) throw new RangeError(`maxMs ${maxMs} is below minMs ${minMs}`);
    return { kind: 'uniform', minMs, maxMs };
  },
  normal: (meanMs: number, sdMs: number, limits: { minMs?: number; maxMs?: number } = {}): Distribution => ({
    kind: 'normal',
    meanMs: finite('meanMs', meanMs),
    sdMs: finite('sdMs', sdMs),
    ...limits,
  }),
  exponential: (meanMs: number, maxMs?: number): Distribution => ({ kind: 'exponential', meanMs: finite('meanMs', meanMs), maxMs }),
};

/** One time from `time` (a number is itself), with `random` giving numbers in [0, 1). */
export function sampleTime(time: number | Distribution, random: () => number): number {
  if (typeof time === 'number') return Math.max(0, time);
  switch (time.kind) {
    case 'constant':
      return time.ms;
    case 'uniform':
      return time.minMs + (time.maxMs - time.minMs) * random();
    case 'normal': {
      // Box-Muller; 1 - random() is in (0, 1], so the logarithm is finite.
      const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      const value = time.meanMs + time.sdMs * z;
      return Math.min(time.maxMs ?? time.meanMs + 4 * time.sdMs, Math.max(time.minMs ?? 0, value));
    }
    case 'exponential':
      return Math.min(time.maxMs ?? 10 * time.meanMs, -time.meanMs * Math.log(1 - random()));
  }
}
