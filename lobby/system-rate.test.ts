import { describe, expect, it } from 'vitest';
import type { World } from '../engine/ecs/world.js';
import { atRate } from './system-rate.js';

const world = {} as World;

describe('atRate', () => {
  it('returns the system itself when it runs at the world\'s rate', () => {
    const run = (): void => undefined;
    expect(atRate(run, undefined, 20)).toBe(run);
    expect(atRate(run, 20, 20)).toBe(run);
  });

  it('runs every Nth tick with the summed dt', () => {
    const dts: number[] = [];
    const slow = atRate((_w, dt) => void dts.push(dt), 5, 20);
    for (let i = 0; i < 9; i++) slow(world, 0.05);
    expect(dts).toHaveLength(2);
    expect(dts[0]).toBeCloseTo(0.2, 9);
    expect(dts[1]).toBeCloseTo(0.2, 9);
  });

  it('refuses a rate above the world\'s', () => {
    expect(() => atRate(() => undefined, 30, 20)).toThrow(RangeError);
  });
});
