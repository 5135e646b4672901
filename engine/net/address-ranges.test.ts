import { describe, expect, it } from 'vitest';
import { createAddressRanges, parseAddressRange } from './address-ranges.js';

describe('parseAddressRange', () => {
  it('reads an address as a range of one, and a CIDR range with its prefix length', () => {
    expect(parseAddressRange('127.0.0.1')).toEqual({ address: '127.0.0.1', prefix: 32, family: 'ipv4' });
    expect(parseAddressRange('::1')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' });
    expect(parseAddressRange('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseAddressRange('fd00::/8')).toEqual({ address: 'fd00::', prefix: 8, family: 'ipv6' });
    expect(parseAddressRange('0.0.0.0/0')).toEqual({ address: '0.0.0.0', prefix: 0, family: 'ipv4' });
  });

  it('refuses names, prefixes too long for the family, malformed prefixes and zone ids', () => {
    for (const bad of ['localhost', 'loopback', '', '10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/08', '10.0.0.0/-1', '10.0.0.0/8/8', '256.0.0.1', 'fe80::1%eth0', '10.0.0.0/ 8']) {
      expect(parseAddressRange(bad), bad).toBeUndefined();
    }
  });
});

describe('createAddressRanges', () => {
  it('holds the addresses of its IPv4 and IPv6 ranges and single addresses, and nothing else', () => {
    const set = createAddressRanges(['127.0.0.0/8', '::1', '192.168.1.7', '2001:db8:1::/48']);
    expect(set.size).toBe(4);
    for (const ip of ['127.0.0.1', '127.255.0.9', '::1', '0:0:0:0:0:0:0:1', '192.168.1.7', '2001:db8:1:ffff::1', '2001:DB8:1::2']) expect(set.has(ip), ip).toBe(true);
    for (const ip of ['128.0.0.1', '192.168.1.8', '::2', '2001:db8:2::1', '10.0.0.1']) expect(set.has(ip), ip).toBe(false);
  });

  it('finds an IPv4 peer a dual-stack listener reports mapped into IPv6, and ignores a zone id', () => {
    const set = createAddressRanges(['127.0.0.0/8', 'fe80::/10']);
    expect(set.has('::ffff:127.0.0.1')).toBe(true);
    expect(set.has('::ffff:7f00:2')).toBe(true);
    expect(set.has('::ffff:10.0.0.1')).toBe(false);
    expect(set.has('fe80::1%eth0')).toBe(true);
  });

  it('answers false for anything that is not an IP address, and holds nothing when empty', () => {
    const set = createAddressRanges(['0.0.0.0/0', '::/0']);
    expect(set.has('localhost')).toBe(false);
    expect(set.has('')).toBe(false);
    expect(set.has('203.0.113.9')).toBe(true);
    const empty = createAddressRanges([]);
    expect(empty.size).toBe(0);
    expect(empty.has('127.0.0.1')).toBe(false);
  });

  it('throws a RangeError naming an entry that is not an address or a range', () => {
    expect(() => createAddressRanges(['127.0.0.0/8', 'localhost'])).toThrow(/not an IP address or CIDR range: "localhost"/);
    expect(() => createAddressRanges(['10.0.0.0/40'])).toThrow(RangeError);
  });
});
