import { decodeTime, isValid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../timer/clock.js';
import { createEntityIds } from './entity-ids.js';

describe('createEntityIds', () => {
  it('makes valid ULIDs carrying the clock time, strictly increasing and distinct', () => {
    const clock = new ManualClock(1_800_000_000_000);
    const next = createEntityIds(clock);
    const ids = Array.from({ length: 10_000 }, (_, i) => {
      if (i === 5_000) clock.advance(1);
      return next();
    });
    expect(ids.every(isValid)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(decodeTime(ids[0]!)).toBe(1_800_000_000_000);
    expect(decodeTime(ids[9_999]!)).toBe(1_800_000_000_001);
  });

  it('does not repeat across generators started at the same instant', () => {
    const clock = new ManualClock();
    const a = createEntityIds(clock);
    const b = createEntityIds(clock);
    expect(a()).not.toBe(b());
  });
});
