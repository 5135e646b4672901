/**
 * The etcd key layout of a Tessera cluster.
 *
 *   <prefix>/servers/<serverId>  JSON ServerInfo: { id, type, address, version, startedAt,
 *                                load: { sessions, entities, eventLoopLagMs, cpu } }
 *                                Attached to the server's lease; rewritten (same lease) on each
 *                                load report. Created only when absent (a transaction comparing
 *                                the key's create revision with 0), so one id has one holder.
 *   <prefix>/names/<name>        JSON Mailbox: { serverId, entityId }
 *                                Attached to the claiming server's lease; created only when
 *                                absent, so exactly one claimer wins. Removed on release, and by
 *                                etcd when that lease ends.
 *
 * `<prefix>` is `etcd.prefix` from the configuration without trailing slashes (`/tessera/` and
 * `/tessera` both give `/tessera/servers/…`). A server registered without a fixed id takes the
 * lowest free `<type>-<host>-<index>` (index from 0; host reduced to letters, digits and `-`) by
 * creating its key in the same create-only transaction, trying the next index if it loses a race.
 *
 * Each server holds one lease (TTL `etcd.leaseTtlSeconds`), renewed every third of the TTL. When
 * the process dies the lease ends after the TTL and etcd deletes both kinds of key; a graceful stop
 * revokes the lease, which deletes them at once. Every member watches `<prefix>/` and keeps the
 * servers and names in a local cache, listing the prefix again after any interruption of the watch.
 */
import { DiscoveryError } from './errors.js';

/** Which entry a key under the prefix is. */
export type ParsedKey = { kind: 'server'; id: string } | { kind: 'name'; name: string };

/** The keys of one cluster prefix. */
export class EtcdKeys {
  /** Everything the cluster writes lives under this, ending in `/`. */
  readonly root: string;
  /** Server entries: `<prefix>/servers/`. */
  readonly servers: string;
  /** Name entries: `<prefix>/names/`. */
  readonly names: string;

  /**
   * @param prefix e.g. `/tessera` or `/tessera/`.
   * @throws DiscoveryError `DISCOVERY_ERR_INVALID_ARGUMENT` when the prefix is empty or only slashes.
   */
  constructor(prefix: string) {
    const trimmed = typeof prefix === 'string' ? prefix.replace(/\/+$/, '') : '';
    if (trimmed === '') throw new DiscoveryError('DISCOVERY_ERR_INVALID_ARGUMENT', `etcd prefix ${JSON.stringify(prefix)} is empty`);
    this.root = `${trimmed}/`;
    this.servers = `${this.root}servers/`;
    this.names = `${this.root}names/`;
  }

  /** The key of one server. */
  server(id: string): string {
    return this.servers + id;
  }

  /** The key of one name. */
  name(name: string): string {
    return this.names + name;
  }

  /** What `key` holds, or `undefined` for a key that is not ours (written by someone else under the prefix). */
  parse(key: string): ParsedKey | undefined {
    if (key.startsWith(this.servers)) {
      const id = key.slice(this.servers.length);
      return id && !id.includes('/') ? { kind: 'server', id } : undefined;
    }
    if (key.startsWith(this.names)) {
      const name = key.slice(this.names.length);
      return name && !name.includes('/') ? { kind: 'name', name } : undefined;
    }
    return undefined;
  }
}
