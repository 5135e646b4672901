import { describe, expect, it } from 'vitest';
import { EtcdKeys } from './etcd-keys.js';
import { DiscoveryError } from './errors.js';
import { lowestFree, readableIndex, sanitiseHost } from './registration.js';

describe('readable ids', () => {
  it('reduces a host to letters, digits and "-", at most 63 characters', () => {
    expect(sanitiseHost('ip-10-0-0-7.eu-west-1.compute.internal')).toBe('ip-10-0-0-7-eu-west-1-compute-internal');
    expect(sanitiseHost('x'.repeat(100))).toHaveLength(63);
    expect(sanitiseHost('')).toBe('host');
  });

  it('reads the index of an id under a prefix, and nothing from a longer host or a non-number', () => {
    expect(readableIndex('lobby-a-12', 'lobby-a-')).toBe(12);
    expect(readableIndex('lobby-a-b-0', 'lobby-a-')).toBeUndefined();
    expect(readableIndex('lobby-a-01', 'lobby-a-')).toBeUndefined();
    expect(readableIndex('gate-a-0', 'lobby-a-')).toBeUndefined();
  });

  it('finds the lowest free index', () => {
    expect(lowestFree(new Set([0, 1, 3]))).toBe(2);
    expect(lowestFree(new Set([0, 1, 3]), 3)).toBe(4);
    expect(lowestFree(new Set())).toBe(0);
  });
});

describe('EtcdKeys', () => {
  it('lays keys out under the prefix, with or without a trailing slash', () => {
    for (const prefix of ['/tessera', '/tessera/', '/tessera//']) {
      const keys = new EtcdKeys(prefix);
      expect(keys.root).toBe('/tessera/');
      expect(keys.server('lobby-a-0')).toBe('/tessera/servers/lobby-a-0');
      expect(keys.name('world-boss')).toBe('/tessera/names/world-boss');
    }
  });

  it('parses its own keys and nothing else', () => {
    const keys = new EtcdKeys('/t');
    expect(keys.parse('/t/servers/lobby-a-0')).toEqual({ kind: 'server', id: 'lobby-a-0' });
    expect(keys.parse('/t/names/boss')).toEqual({ kind: 'name', name: 'boss' });
    for (const key of ['/t/servers/', '/t/servers/a/b', '/t/other/x', '/u/servers/a']) expect(keys.parse(key)).toBeUndefined();
  });

  it('refuses an empty prefix with DISCOVERY_ERR_INVALID_ARGUMENT', () => {
    expect(() => new EtcdKeys('//')).toThrow(DiscoveryError);
  });
});
