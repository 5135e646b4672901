/**
 * Splits a `host:port` address (IPv6 hosts in brackets).
 * @throws Error for anything else.
 */
export function parseAddress(address: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(address);
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535) throw new Error(`rpc: bad address ${JSON.stringify(address)}`);
  return { host: match[1] ?? match[2]!, port };
}
