import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './parse-duration.js';

describe('parseDuration', () => {
  it('reads each unit', () => {
    expect(parseDuration('1500ms')).toBe(1500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h')).toBe(3_600_000);
  });

  it('adds units written largest first', () => {
    expect(parseDuration('2m30s')).toBe(150_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1m1s1ms')).toBe(61_001);
  });

  it('reads fractions and rounds to a millisecond', () => {
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('0.0004s')).toBe(0);
  });

  it('reads zero, bare or with a unit', () => {
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('0s')).toBe(0);
  });

  it('refuses what it cannot read, saying what it expects', () => {
    for (const text of ['', '30', '5 m', 'm', '-5s', '5x', '30s30s', '30s5m', '1e3ms', '5mm']) {
      expect(() => parseDuration(text), text).toThrow(/is not a duration.*1500ms, 30s, 5m, 2m30s or 1h/);
    }
  });
});

describe('formatDuration', () => {
  it('writes the shortest form that parseDuration reads back', () => {
    expect(formatDuration(150_000)).toBe('2m30s');
    expect(formatDuration(1500)).toBe('1s500ms');
    expect(formatDuration(3_600_000)).toBe('1h');
    expect(formatDuration(0)).toBe('0s');
    for (const ms of [1, 999, 61_001, 5_400_000]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});
