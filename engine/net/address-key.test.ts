import { describe, expect, it } from 'vitest';
import { addressKey, checkPrefixBits } from './address-key.js';

describe('addressKey', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(addressKey('10.0.0.1')).toBe('10.0.0.1');
    expect(addressKey('203.0.113.255', { ipv6PrefixBits: 48 })).toBe('203.0.113.255');
  });

  it('counts IPv4 mapped into IPv6 as the IPv4 address, in every spelling, whatever the prefix length', () => {
    for (const mapped of ['::ffff:10.0.0.1', '::FFFF:10.0.0.1', '::ffff:a00:1', '0:0:0:0:0:ffff:10.0.0.1', '0000:0000:0000:0000:0000:ffff:0a00:0001']) {
      expect(addressKey(mapped)).toBe('10.0.0.1');
      expect(addressKey(mapped, { ipv6PrefixBits: 0 })).toBe('10.0.0.1');
    }
    expect(addressKey('::ffff:127.0.0.2')).not.toBe(addressKey('::ffff:127.0.0.1'));
  });

  it('counts an IPv6 address under its first 64 bits by default, whether written full or compressed', () => {
    const key = '2001:db8:0:1::/64';
    for (const ip of ['2001:db8:0:1::1', '2001:db8:0:1:ffff:ffff:ffff:ffff', '2001:0DB8:0000:0001:0000:0000:0000:0001', '2001:db8::1:0:0:0:1', '2001:db8:0:1:a:b:c:d', '2001:db8:0:1::']) {
      expect(addressKey(ip)).toBe(key);
    }
    expect(addressKey('2001:db8:0:2::1')).toBe('2001:db8:0:2::/64');
  });

  it('writes the key in canonical form: lower case, no leading zeros, the longest run of zero groups as ::', () => {
    expect(addressKey('::')).toBe('::/64');
    expect(addressKey('::1')).toBe('::/64');
    expect(addressKey('1:0:0:2:0:0:0:3', { ipv6PrefixBits: 128 })).toBe('1:0:0:2::3/128');
    expect(addressKey('1:0:0:2:0:0:3:4', { ipv6PrefixBits: 128 })).toBe('1::2:0:0:3:4/128');
    expect(addressKey('1:0:2:3:4:5:6:7', { ipv6PrefixBits: 128 })).toBe('1:0:2:3:4:5:6:7/128');
    expect(addressKey('ABCD:EF01:2345:6789:ABCD:EF01:2345:6789')).toBe('abcd:ef01:2345:6789::/64');
    expect(addressKey('1:2:3:4:5:6:7::', { ipv6PrefixBits: 128 })).toBe('1:2:3:4:5:6:7:0/128');
  });

  it('takes the prefix length from ipv6PrefixBits, cutting inside a group too', () => {
    expect(addressKey('2001:db8:abcd:12:1::1', { ipv6PrefixBits: 48 })).toBe('2001:db8:abcd::/48');
    expect(addressKey('2001:db8:abcd:ffff::1', { ipv6PrefixBits: 48 })).toBe('2001:db8:abcd::/48');
    expect(addressKey('2001:db8:abcd:12:1::1', { ipv6PrefixBits: 56 })).toBe('2001:db8:abcd::/56');
    expect(addressKey('2001:db8:abcd:12ff:1::1', { ipv6PrefixBits: 56 })).toBe('2001:db8:abcd:1200::/56');
    expect(addressKey('2001:db8:abcd:12:1::1', { ipv6PrefixBits: 128 })).toBe('2001:db8:abcd:12:1::1/128');
    expect(addressKey('2001:db8::1', { ipv6PrefixBits: 0 })).toBe('::/0');
    expect(addressKey('ffff:ffff::', { ipv6PrefixBits: 1 })).toBe('8000::/1');
  });

  it('counts a long run of addresses in one /64 as one key, and the next /64 apart', () => {
    const keys = new Set<string>();
    for (let i = 1; i <= 1_000; i++) keys.add(addressKey(`2001:db8:1:2:${i.toString(16)}:${(i * 7).toString(16)}::${i.toString(16)}`));
    expect([...keys]).toEqual(['2001:db8:1:2::/64']);
    expect(addressKey('2001:db8:1:3::1')).not.toBe(addressKey('2001:db8:1:2::1'));
  });

  it('keeps the zone id of a scoped address in the key', () => {
    expect(addressKey('fe80::1%eth0')).toBe('fe80::/64%eth0');
    expect(addressKey('fe80::abcd:1%eth0')).toBe(addressKey('fe80::1%eth0'));
    expect(addressKey('fe80::1%eth1')).not.toBe(addressKey('fe80::1%eth0'));
    expect(addressKey('fe80::1')).toBe('fe80::/64');
  });

  it('keeps a string that is not an IP address as its own key, never throwing', () => {
    for (const garbage of ['', 'undefined', 'localhost', 'not an address', '10.0.0.256', '010.0.0.1', '1::2::3', '1:2:3:4:5:6:7:8:9', 'fe80::1%', ' ::1', '::1 ', '[::1]', '::1:5:', '2001:db8::/64', '::ffff:1.2.3.4.5']) {
      expect(addressKey(garbage)).toBe(garbage);
    }
  });

  it('refuses a prefix length that is not an integer from 0 to 128 as a programmer error', () => {
    for (const bits of [-1, 129, 64.5, Number.NaN]) {
      expect(() => addressKey('::1', { ipv6PrefixBits: bits })).toThrow(RangeError);
      expect(() => checkPrefixBits(bits)).toThrow(/ipv6PrefixBits/);
    }
    expect(() => checkPrefixBits(0)).not.toThrow();
    expect(() => checkPrefixBits(128)).not.toThrow();
  });
});
