import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BoundedLabels } from './bounded-labels.js';

describe('BoundedLabels', () => {
  it('keeps the first max distinct values and folds the rest into other', () => {
    const labels = new BoundedLabels(2);
    expect(labels.label('a')).toBe('a');
    expect(labels.label('b')).toBe('b');
    expect(labels.label('c')).toBe('other');
    expect(labels.label('a')).toBe('a');
    expect(labels.size).toBe(2);
  });

  it('folds into the label it is given', () => {
    const labels = new BoundedLabels(1, 'unknown');
    labels.label('x');
    expect(labels.label('y')).toBe('unknown');
  });

  it('rejects a cap that is not a positive integer', () => {
    expect(() => new BoundedLabels(0)).toThrow(RangeError);
    expect(() => new BoundedLabels(1.5)).toThrow(RangeError);
  });

  it('never yields more than max + 1 distinct labels, whatever it is fed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.string({ maxLength: 3 })), (max, values) => {
        const labels = new BoundedLabels(max);
        const out = new Set(values.map((v) => labels.label(v)));
        expect(out.size).toBeLessThanOrEqual(max + 1);
        for (const v of values.slice(0, 1)) expect(labels.label(v)).toBe(v);
      }),
    );
  });
});
