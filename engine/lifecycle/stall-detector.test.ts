import { describe, expect, it } from 'vitest';
import { StallDetector } from './stall-detector.js';

describe('StallDetector', () => {
  it('reports nothing while the counter moves', () => {
    const detector = new StallDetector(1_000, 0);
    for (let t = 250, beats = 1; t <= 10_000; t += 250, beats++) expect(detector.check(beats, t)).toBeUndefined();
  });

  it('reports how long the counter has stood still once that reaches the limit', () => {
    const detector = new StallDetector(1_000, 0);
    expect(detector.check(7, 250)).toBeUndefined();
    expect(detector.check(7, 500)).toBeUndefined();
    expect(detector.check(7, 750)).toBeUndefined();
    expect(detector.check(7, 1_000)).toBeUndefined();
    expect(detector.check(7, 1_250)).toBe(1_000);
    expect(detector.check(7, 1_500)).toBe(1_250);
  });

  it('starts counting again when the counter moves', () => {
    const detector = new StallDetector(1_000, 0);
    detector.check(1, 0);
    detector.check(1, 250);
    detector.check(1, 500);
    detector.check(1, 750);
    expect(detector.check(2, 1_000)).toBeUndefined();
    expect(detector.check(2, 1_250)).toBeUndefined();
    expect(detector.check(2, 1_750)).toBeUndefined();
    expect(detector.check(2, 2_000)).toBe(1_000);
  });

  it('does not count a gap in which the watcher itself did not run (a paused process)', () => {
    const detector = new StallDetector(1_000, 0);
    expect(detector.check(3, 0)).toBeUndefined();
    // Suspended for a minute: on resume the counter has not moved yet, the main loop has not run either.
    expect(detector.check(3, 60_000)).toBeUndefined();
    expect(detector.check(3, 60_250)).toBeUndefined();
    expect(detector.check(3, 60_500)).toBeUndefined();
    expect(detector.check(3, 60_750)).toBeUndefined();
    expect(detector.check(3, 61_000)).toBe(1_000);
  });

  it('refuses a limit that is not positive', () => {
    expect(() => new StallDetector(0, 0)).toThrow(RangeError);
    expect(() => new StallDetector(Number.NaN, 0)).toThrow(RangeError);
  });
});
