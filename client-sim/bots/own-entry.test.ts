import { describe, expect, it } from 'vitest';
import { setOwn } from './own-entry.js';

describe('setOwn', () => {
  it('sets any key as an own enumerable property, __proto__ included, leaving the prototype alone', () => {
    const record: Record<string, number> = {};
    setOwn(record, '__proto__', 1);
    setOwn(record, 'Echo.echo', 2);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(Object.entries(record)).toEqual([['__proto__', 1], ['Echo.echo', 2]]);
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });
});
