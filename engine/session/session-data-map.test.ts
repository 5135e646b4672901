import { describe, expect, it } from 'vitest';
import { SESSION_DATA_LIMITS, SessionDataMap } from './session-data-map.js';

const bytes = (n: number): Uint8Array => new Uint8Array(n);

describe('SessionDataMap', () => {
  it('sets, replaces and deletes values, counting keys and bytes', () => {
    const map = new SessionDataMap();
    map.set('match', bytes(10));
    map.set('party.role', bytes(3));
    map.set('match', bytes(4));
    expect(map.keys()).toEqual(['match', 'party.role']);
    expect([map.size, map.byteLength]).toEqual([2, 'match'.length + 4 + 'party.role'.length + 3]);
    expect(map.delete('match')).toBe(true);
    expect(map.delete('match')).toBe(false);
    expect([map.size, map.byteLength, map.get('match')]).toEqual([1, 'party.role'.length + 3, undefined]);
  });

  it('refuses a key past the key cap or a value past the byte cap, and stays unchanged', () => {
    const map = new SessionDataMap();
    for (let i = 0; i < SESSION_DATA_LIMITS.maxKeys; i++) map.set(`k${i}`, bytes(1));
    expect(() => map.set('one-more', bytes(1))).toThrow(/would be key 33, cap 32/);
    map.set('k0', bytes(2)); // replacing is no new key
    expect(map.size).toBe(SESSION_DATA_LIMITS.maxKeys);
    const before = map.byteLength;
    expect(() => map.set('k1', bytes(SESSION_DATA_LIMITS.maxBytes))).toThrow(/cap 4096/);
    expect([map.byteLength, map.get('k1')?.length]).toEqual([before, 1]);
  });

  it('takes a value that fills the byte cap exactly', () => {
    const map = new SessionDataMap();
    map.set('k', bytes(SESSION_DATA_LIMITS.maxBytes - 1));
    expect(map.byteLength).toBe(SESSION_DATA_LIMITS.maxBytes);
  });

  it('refuses keys of another shape, forbidden keys and values that are not bytes', () => {
    const map = new SessionDataMap();
    for (const key of ['', 'x'.repeat(65), 'has space', 'ünï', '__proto__', 'constructor', 'prototype', 42 as unknown as string]) {
      expect(() => map.set(key, bytes(1)), String(key)).toThrow(RangeError);
    }
    expect(() => map.set('k', 'text' as unknown as Uint8Array)).toThrow(/not bytes/);
    expect(map.size).toBe(0);
  });

  it('crosses as a record and is rebuilt from one with the same checks', () => {
    const map = new SessionDataMap();
    map.set('a', Uint8Array.of(1));
    map.set('b', Uint8Array.of(2, 3));
    const copy = SessionDataMap.fromRecord(map.toRecord());
    expect(copy.keys()).toEqual(['a', 'b']);
    expect(copy.get('b')).toEqual(Uint8Array.of(2, 3));
    expect(SessionDataMap.fromRecord(undefined).size).toBe(0);
    expect(() => SessionDataMap.fromRecord([Uint8Array.of(1)])).toThrow(/not a map/);
    expect(() => SessionDataMap.fromRecord('x')).toThrow(/not a map/);
    expect(() => SessionDataMap.fromRecord({ k: 'not bytes' })).toThrow(/not bytes/);
    expect(() => SessionDataMap.fromRecord({ k: bytes(SESSION_DATA_LIMITS.maxBytes) })).toThrow(/cap 4096/);
  });
});
