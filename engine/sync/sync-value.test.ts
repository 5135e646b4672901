import { describe, expect, it } from 'vitest';
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { dequantize, quantize } from './quantize.js';
import { readValue, writeValue } from './sync-value.js';
import { SYNC_MAX_DEPTH, SYNC_MAX_QUANTISED } from './sync-wire.js';

function roundTrip(value: unknown): unknown {
  const w = new ByteWriter(4);
  writeValue(w, value);
  const r = new ByteReader(w.toBytes());
  const out = readValue(r, 'value');
  expect(r.left).toBe(0);
  return out;
}

describe('plain synced values', () => {
  it('round-trip JSON-like values, unicode text, large and negative integers, and non-finite floats', () => {
    const value = { name: 'Zoë 🐉', n: -3, big: 2 ** 52 + 1, f: 0.1, list: [true, false, null, 'x'.repeat(300)], nested: { a: { b: [1, [2]] } } };
    expect(roundTrip(value)).toEqual(value);
    expect(roundTrip(NaN)).toBeNaN();
    expect(roundTrip(-Infinity)).toBe(-Infinity);
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
  });

  it('sends what JSON would see: undefined, functions and bigints as null, objects as their own fields', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
      norm(): number {
        return 0;
      }
    }
    expect(roundTrip([undefined, () => 1, 10n, Symbol('s')])).toEqual([null, null, null, null]);
    expect(roundTrip(new Point(1, 2))).toEqual({ x: 1, y: 2 });
  });

  it(`cuts nesting past ${SYNC_MAX_DEPTH} to null, so that a cycle cannot hang the encoder`, () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    let decoded = roundTrip(cycle) as Record<string, unknown>;
    let depth = 0;
    while (decoded !== null) {
      decoded = decoded.self as Record<string, unknown>;
      depth++;
    }
    expect(depth).toBe(SYNC_MAX_DEPTH);
  });

  it('writes varints up to 2^53-1 and zigzag integers that read back the same', () => {
    const w = new ByteWriter(1);
    const numbers = [0, 127, 128, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER];
    for (const n of numbers) w.varint(n);
    for (const n of [-1, 1, -(2 ** 40), 2 ** 50]) w.zigzag(n);
    const r = new ByteReader(w.toBytes());
    expect(numbers.map(() => r.varint('n'))).toEqual(numbers);
    expect([1, 2, 3, 4].map(() => r.zigzag('z'))).toEqual([-1, 1, -(2 ** 40), 2 ** 50]);
  });
});

describe('quantisation', () => {
  it('sends the nearest whole number of steps and reads back the double nearest the decimal', () => {
    expect(quantize(1.234, 0.01)).toBe(123);
    expect(dequantize(123, 0.01)).toBe(1.23);
    expect(dequantize(-7, 0.1)).toBe(-0.7);
    expect(quantize(7.4, 2.5)).toBe(3);
    expect(dequantize(3, 2.5)).toBe(7.5);
    expect(Object.is(quantize(-0.001, 0.01), 0)).toBe(true);
  });

  it('sends 0 for what is not a finite number, and clamps to ±2^50 steps', () => {
    for (const v of [NaN, Infinity, 'x', undefined]) expect(quantize(v, 0.01)).toBe(0);
    expect(quantize(1e300, 0.01)).toBe(SYNC_MAX_QUANTISED);
    expect(quantize(-1e300, 1)).toBe(-SYNC_MAX_QUANTISED);
  });
});
