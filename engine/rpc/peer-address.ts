/**
 * Whether a connection comes from where discovery says a server lives: the host of its registered
 * `host:port` against the connection's remote address. IPv4 addresses mapped into IPv6
 * (`::ffff:10.0.0.5`) count as the IPv4 address, and the loopback addresses `127.0.0.1`, `::1`
 * and `::ffff:127.0.0.1` as one another; a host name matches any address it resolves to.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;
const LOOPBACK = 'loopback';

/**
 * The key a host is compared under: the address in canonical form, IPv4 mapped into IPv6 as
 * IPv4, the loopback addresses as one.
 */
export function hostKey(address: string): string {
  const plain = MAPPED_V4.exec(address)?.[1] ?? address.toLowerCase();
  return plain === '127.0.0.1' || plain === '::1' ? LOOPBACK : plain;
}

/**
 * Whether `remote` (a connection's remote IP) is `registeredHost` (an IP or a host name).
 * Never rejects: a name that does not resolve matches nothing.
 */
export async function hostMatches(registeredHost: string, remote: string): Promise<boolean> {
  const want = hostKey(remote);
  if (isIP(registeredHost) !== 0) return hostKey(registeredHost) === want;
  try {
    const found = await lookup(registeredHost, { all: true });
    return found.some(({ address }) => hostKey(address) === want);
  } catch {
    return false;
  }
}
