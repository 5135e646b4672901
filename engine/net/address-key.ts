/**
 * The key per-address limits count a client under. One host on IPv4 usually has one address; one
 * host on IPv6 usually has a whole /64 (any cheap server or home line gets one), so counting IPv6
 * addresses one by one would give a single client 2^64 separate allowances. IPv6 addresses are
 * therefore counted by their network prefix:
 *
 * - IPv4 (`10.0.0.1`): the address as is;
 * - IPv4 mapped into IPv6 (`::ffff:10.0.0.1`, as a dual-stack listener reports IPv4 peers, or
 *   `::ffff:a00:1`): the IPv4 address, so that a dual-stack listener counts IPv4 peers one by one;
 * - any other IPv6 address: its first `ipv6PrefixBits` bits in canonical form (RFC 5952), with
 *   the prefix length: `2001:db8:0:1::/64`. A zone id stays in the key (`fe80::/64%eth0`): the same
 *   link-local prefix on two interfaces is two links;
 * - anything else (not an IP address): the string itself. It never throws for any input.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** Options of {@link addressKey}. */
export interface AddressKeyOptions {
  /**
   * Leading bits of an IPv6 address that name its client, 0 to 128 (default 64: the prefix one
   * host or home line gets; 128 counts each address on its own).
   */
  ipv6PrefixBits?: number;
}

/** The IPv6 prefix length per-address limits count under unless configured. */
export const DEFAULT_IPV6_PREFIX_BITS = 64;

const GROUPS = 8;
const GROUP_BITS = 16;

/**
 * The key per-address limits count `ip` under (see the module comment).
 * @param ip a remote address without port or brackets, as `socket.remoteAddress` or
 *   `request.ip` give it.
 * @throws RangeError when `ipv6PrefixBits` is not an integer from 0 to 128 (a programmer error;
 *   the config schema checks it).
 */
export function addressKey(ip: string, options: AddressKeyOptions = {}): string {
  const bits = options.ipv6PrefixBits ?? DEFAULT_IPV6_PREFIX_BITS;
  checkPrefixBits(bits);
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip)) return ip;
  const percent = ip.indexOf('%');
  const groups = parseIPv6(percent < 0 ? ip : ip.slice(0, percent));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  }
  const zone = percent < 0 ? '' : ip.slice(percent);
  return `${formatIPv6(maskGroups(groups, bits))}/${bits}${zone}`;
}

/**
 * Checks an IPv6 prefix length for {@link addressKey}.
 * @throws RangeError when `bits` is not an integer from 0 to 128.
 */
export function checkPrefixBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 0 || bits > GROUPS * GROUP_BITS) {
    throw new RangeError(`ipv6PrefixBits must be an integer from 0 to 128, got ${bits}`);
  }
}

// The eight 16-bit groups of an address that isIPv6 accepted, its zone id removed.
function parseIPv6(text: string): number[] {
  let body = text;
  const lastColon = body.lastIndexOf(':');
  const tail = body.slice(lastColon + 1);
  if (tail.includes('.')) {
    // An embedded IPv4 address fills the last two groups.
    const [a, b, c, d] = tail.split('.').map(Number) as [number, number, number, number];
    body = `${body.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const toGroups = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const gap = body.indexOf('::');
  if (gap < 0) return toGroups(body);
  const head = toGroups(body.slice(0, gap));
  const rest = toGroups(body.slice(gap + 2));
  return [...head, ...new Array<number>(GROUPS - head.length - rest.length).fill(0), ...rest];
}

// The first `bits` bits of the address, the rest zero.
function maskGroups(groups: readonly number[], bits: number): number[] {
  return groups.map((g, i) => {
    const kept = bits - i * GROUP_BITS;
    if (kept >= GROUP_BITS) return g;
    if (kept <= 0) return 0;
    return g & ((0xffff << (GROUP_BITS - kept)) & 0xffff);
  });
}

// RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups (the first
// of equal runs) as `::`.
function formatIPv6(groups: readonly number[]): string {
  let bestAt = -1;
  let bestLength = 1;
  for (let i = 0; i < GROUPS; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < GROUPS && groups[end] === 0) end++;
    if (end - i > bestLength) {
      bestAt = i;
      bestLength = end - i;
    }
    i = end;
  }
  const hex = (part: readonly number[]): string => part.map((g) => g.toString(16)).join(':');
  if (bestAt < 0) return hex(groups);
  return `${hex(groups.slice(0, bestAt))}::${hex(groups.slice(bestAt + bestLength))}`;
}
