import { describe, expect, it } from 'vitest';
import { hostKey, hostMatches } from './peer-address.js';

describe('peer addresses', () => {
  it('counts IPv4 mapped into IPv6 as IPv4, and the loopback addresses as one', () => {
    expect(hostKey('::ffff:10.0.0.5')).toBe('10.0.0.5');
    expect(new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'].map(hostKey)).size).toBe(1);
    expect(hostKey('127.0.0.2')).not.toBe(hostKey('127.0.0.1'));
    expect(hostKey('FE80::1')).toBe('fe80::1');
  });

  it('matches a registered IP or host name against a connection\'s remote address', async () => {
    await expect(hostMatches('10.0.0.5', '::ffff:10.0.0.5')).resolves.toBe(true);
    await expect(hostMatches('10.0.0.5', '10.0.0.6')).resolves.toBe(false);
    await expect(hostMatches('127.0.0.1', '::1')).resolves.toBe(true);
    await expect(hostMatches('localhost', '::ffff:127.0.0.1')).resolves.toBe(true);
    await expect(hostMatches('localhost', '192.0.2.7')).resolves.toBe(false);
    await expect(hostMatches('no-such-host.invalid', '127.0.0.1')).resolves.toBe(false);
  });
});
