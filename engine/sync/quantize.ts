/**
 * Quantisation of synced numbers: a value is sent as the whole number of `step`s nearest to it,
 * and read back as that many steps.
 */
import { SYNC_MAX_QUANTISED } from './sync-wire.js';

/**
 * The whole number of `step`s nearest to `value`, within ±2^50; 0 for a value that is not a
 * finite number (a game bug must not break the stream).
 */
export function quantize(value: unknown, step: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 0;
  const n = Math.round(value / step);
  return n > SYNC_MAX_QUANTISED ? SYNC_MAX_QUANTISED : n < -SYNC_MAX_QUANTISED ? -SYNC_MAX_QUANTISED : n === 0 ? 0 : n;
}

/**
 * The value of `n` steps. When 1/step is a whole number (0.01, 0.5) it divides by that instead
 * of multiplying, so that 123 steps of 0.01 read 1.23, the double nearest the decimal.
 */
export function dequantize(n: number, step: number): number {
  const inverse = 1 / step;
  const whole = Math.round(inverse);
  return step < 1 && Math.abs(inverse - whole) < 1e-9 ? n / whole : n * step;
}
