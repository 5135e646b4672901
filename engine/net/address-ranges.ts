/**
 * A set of IP addresses and CIDR ranges, IPv4 and IPv6, that answers "is this client in it?", for
 * settings that list trusted addresses (e.g. `login.rateLimit.exempt`). An entry is an address
 * (`127.0.0.1`, `::1`) or a range (`10.0.0.0/8`, `fd00::/8`). An IPv4 entry also holds the same
 * address mapped into IPv6 (`::ffff:127.0.0.1`), as a dual-stack listener reports IPv4 peers.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** One parsed entry of an address list. */
export interface AddressRange {
  address: string;
  /** Leading bits that must match: 32 (IPv4) or 128 (IPv6) for a single address. */
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** The addresses and ranges {@link createAddressRanges} was given. */
export interface AddressRanges {
  /** Whether `ip` (as `socket.remoteAddress` or `request.ip` give it; a zone id is ignored) is in the set; false for anything that is not an IP address. */
  has(ip: string): boolean;
  /** Entries in the set. */
  readonly size: number;
}

/** Parses one entry: an IPv4 or IPv6 address, optionally with `/prefix`; undefined when it is neither. */
export function parseAddressRange(entry: string): AddressRange | undefined {
  const slash = entry.indexOf('/');
  const address = slash < 0 ? entry : entry.slice(0, slash);
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) && !address.includes('%') ? 'ipv6' : undefined;
  if (family === undefined) return undefined;
  const bits = family === 'ipv4' ? 32 : 128;
  if (slash < 0) return { address, prefix: bits, family };
  const text = entry.slice(slash + 1);
  if (!/^(?:0|[1-9]\d{0,2})$/.test(text) || Number(text) > bits) return undefined;
  return { address, prefix: Number(text), family };
}

/**
 * The set of `entries`.
 * @throws RangeError naming the first entry that is not an address or a range (the config
 *   check reports them at start-up, so this is a programmer error).
 */
export function createAddressRanges(entries: readonly string[]): AddressRanges {
  const list = new BlockList();
  for (const entry of entries) {
    const range = parseAddressRange(entry);
    if (!range) throw new RangeError(`not an IP address or CIDR range: ${JSON.stringify(entry)}`);
    list.addSubnet(range.address, range.prefix, range.family);
  }
  const size = entries.length;
  return {
    size,
    has(ip: string): boolean {
      if (size === 0) return false;
      const percent = ip.indexOf('%');
      const address = percent < 0 ? ip : ip.slice(0, percent);
      if (isIPv4(address)) return list.check(address, 'ipv4');
      return isIPv6(address) && list.check(address, 'ipv6');
    },
  };
}
