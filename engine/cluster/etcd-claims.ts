/**
 * The conditional writes behind server ids and names: every write is a transaction that checks who
 * holds the key first, so that one key never has two holders.
 */
import type { Etcd3 } from 'etcd3';
import { DiscoveryError } from './errors.js';
import type { EtcdKeys } from './etcd-keys.js';
import { lowestFree, readableIndex } from './registration.js';

/** Most indexes a server tries for a readable id before giving up (each failure is a lost race). */
const READABLE_ID_ATTEMPTS = 32;

/**
 * Writes `key` under `leaseId` if it is absent (its create revision is 0), or if `leaseId` or one
 * of `replaceFrom` holds it (taking it over from an earlier lease of the same server).
 * @returns the revision of the write, or `undefined` when another lease holds the key.
 * @throws the etcd error when a call fails.
 */
export async function claimKey(client: Etcd3, key: string, value: string, leaseId: string, replaceFrom: readonly string[] = []): Promise<number | undefined> {
  const created = await client.if(key, 'Create', '==', 0).then(client.put(key).value(value).lease(leaseId)).else(client.get(key)).commit();
  if (created.succeeded) return Number(created.header.revision);
  const holder = created.responses[0]?.response_range?.kvs[0]?.lease;
  if (holder === undefined || (holder !== leaseId && !replaceFrom.includes(holder))) return undefined;
  // Compared again: the holder may have changed since the first transaction.
  const taken = await client.if(key, 'Lease', '==', holder).then(client.put(key).value(value).lease(leaseId)).commit();
  return taken.succeeded ? Number(taken.header.revision) : undefined;
}

/**
 * Rewrites `key` only while `leaseId` holds it.
 * @returns the revision of the write, or `undefined` when `leaseId` does not hold the key.
 */
export async function rewriteKey(client: Etcd3, key: string, value: string, leaseId: string): Promise<number | undefined> {
  const res = await client.if(key, 'Lease', '==', leaseId).then(client.put(key).value(value).lease(leaseId)).commit();
  return res.succeeded ? Number(res.header.revision) : undefined;
}

/**
 * The lease that holds `key`.
 * @returns its id, or `undefined` when the key is absent.
 * @throws the etcd error when the read fails.
 */
export async function keyLease(client: Etcd3, key: string): Promise<string | undefined> {
  return (await client.get(key).exec()).kvs[0]?.lease;
}

/**
 * Deletes `key` only while `leaseId` holds it.
 * @returns the revision of the delete, or `undefined` when `leaseId` does not hold the key.
 */
export async function deleteKey(client: Etcd3, key: string, leaseId: string): Promise<number | undefined> {
  const res = await client.if(key, 'Lease', '==', leaseId).then(client.delete().key(key)).commit();
  return res.succeeded ? Number(res.header.revision) : undefined;
}

/**
 * Claims the lowest free readable id under `idPrefix` (`<type>-<host>-`): reads the ids in use,
 * then creates the lowest free one; on a lost race it tries the next one.
 * @param encode the value to store for a given id.
 * @returns the id and the revision of its creation.
 * @throws DiscoveryError `DISCOVERY_ERR_ID_TAKEN` after {@link READABLE_ID_ATTEMPTS} lost races.
 */
export async function claimReadableId(
  client: Etcd3,
  keys: EtcdKeys,
  idPrefix: string,
  encode: (id: string) => string,
  leaseId: string,
): Promise<{ id: string; revision: number }> {
  const used = new Set<number>();
  for (const key of await client.getAll().prefix(keys.server(idPrefix)).keys()) {
    const index = readableIndex(key.slice(keys.servers.length), idPrefix);
    if (index !== undefined) used.add(index);
  }
  let index = lowestFree(used);
  for (let attempt = 0; attempt < READABLE_ID_ATTEMPTS; attempt++) {
    const id = `${idPrefix}${index}`;
    const revision = await claimKey(client, keys.server(id), encode(id), leaseId);
    if (revision !== undefined) return { id, revision };
    used.add(index);
    index = lowestFree(used, index);
  }
  throw new DiscoveryError('DISCOVERY_ERR_ID_TAKEN', `no free id under ${idPrefix}* after ${READABLE_ID_ATTEMPTS} attempts`);
}

/**
 * Writes a server's key and its names again under a new lease, taking over what `replaceFrom`
 * (its earlier leases) still holds.
 * @returns `undefined` when another server holds the id (nothing else is written), else the names
 *   that another server took meanwhile, which are left to it.
 * @throws the etcd error when a call fails.
 */
export async function claimAgain(
  client: Etcd3,
  keys: EtcdKeys,
  server: { id: string; value: string },
  names: ReadonlyMap<string, string>,
  leaseId: string,
  replaceFrom: readonly string[],
): Promise<string[] | undefined> {
  if ((await claimKey(client, keys.server(server.id), server.value, leaseId, replaceFrom)) === undefined) return undefined;
  const taken: string[] = [];
  for (const [name, value] of names) {
    if ((await claimKey(client, keys.name(name), value, leaseId, replaceFrom)) === undefined) taken.push(name);
  }
  return taken;
}
