import { describe, expect, it } from 'vitest';
import { botRandom } from './bot-random.js';
import { sampleTime, thinkTime } from './think-time.js';

const many = (n: number, f: () => number): number[] => Array.from({ length: n }, f);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('thinkTime', () => {
  it('refuses negative, non-finite and inverted bounds', () => {
    expect(() => thinkTime.constant(-1)).toThrow(RangeError);
    expect(() => thinkTime.uniform(10, 5)).toThrow('maxMs 5 is below minMs 10');
    expect(() => thinkTime.normal(NaN, 1)).toThrow(RangeError);
    expect(() => thinkTime.exponential(Infinity)).toThrow(RangeError);
  });
});

describe('sampleTime', () => {
  const random = botRandom(7, 0);

  it('takes a number as itself, never below 0, and a constant as its value', () => {
    expect(sampleTime(250, random)).toBe(250);
    expect(sampleTime(-5, random)).toBe(0);
    expect(sampleTime(thinkTime.constant(40), random)).toBe(40);
  });

  it('draws uniform times between the bounds', () => {
    const xs = many(2_000, () => sampleTime(thinkTime.uniform(100, 300), random));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...xs)).toBeLessThan(300);
    expect(mean(xs)).toBeGreaterThan(190);
    expect(mean(xs)).toBeLessThan(210);
  });

  it('draws normal times around the mean, cut at the limits', () => {
    const xs = many(5_000, () => sampleTime(thinkTime.normal(500, 100, { minMs: 300, maxMs: 650 }), random));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(300);
    expect(Math.max(...xs)).toBeLessThanOrEqual(650);
    expect(mean(xs)).toBeGreaterThan(480);
    expect(mean(xs)).toBeLessThan(510);
    const uncut = many(5_000, () => sampleTime(thinkTime.normal(50, 40), random));
    expect(Math.min(...uncut)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...uncut)).toBeLessThanOrEqual(210);
  });

  it('draws exponential times with the mean, cut at ten times it by default', () => {
    const xs = many(10_000, () => sampleTime(thinkTime.exponential(200), random));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThanOrEqual(2_000);
    expect(mean(xs)).toBeGreaterThan(185);
    expect(mean(xs)).toBeLessThan(215);
    expect(Math.max(...many(1_000, () => sampleTime(thinkTime.exponential(200, 300), random)))).toBeLessThanOrEqual(300);
  });
});
