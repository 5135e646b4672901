import { describe, expect, it } from 'vitest';
import { steadyRate } from './steady-rate.js';

describe('steadyRate', () => {
  it('is the median of the seconds after the ramp and before the stop, a stalled second moving it little', () => {
    const series = { t: [0, 1, 2, 3, 4, 5, 6], requestsPerSecond: [10, 50, 400, 20, 420, 410, 5] };
    // Ramp 2 s, steady 4 s: seconds 2 to 5.
    expect(steadyRate(series, 2_000, 4_000)).toBe(405);
    expect(steadyRate(series, 2_000, 3_000)).toBe(400);
  });

  it('skips seconds without a measurement, and is NaN when none of the steady part was measured', () => {
    expect(steadyRate({ t: [0, 1, 2], requestsPerSecond: [NaN, 30, 40] }, 0, 3_000)).toBe(35);
    expect(steadyRate({ t: [0, 1], requestsPerSecond: [5, 6] }, 5_000, 1_000)).toBeNaN();
  });
});
