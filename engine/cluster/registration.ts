/**
 * What every {@link Discovery} implementation checks and builds the same way: argument checks,
 * readable server ids (`<type>-<host>-<index>`), and the frozen {@link ServerInfo} objects that
 * members hand out.
 */
import { hostname } from 'node:os';
import type { LoadReport, Mailbox, Registration, ServerInfo } from './discovery.js';
import { DiscoveryError } from './errors.js';

/** Server ids: the same rule as `server.id` in the configuration. */
const SERVER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Server types: short, and without `.` so that a readable id splits back unambiguously. */
const SERVER_TYPE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
/** Cluster-wide names: no `/`, so that a name is exactly one etcd key segment. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,255}$/;
/** Longest address, version or entity id accepted, in characters. */
const MAX_TEXT = 256;
/** Longest host part of a readable id: a DNS label. */
const MAX_HOST = 63;

function invalid(detail: string): never {
  throw new DiscoveryError('DISCOVERY_ERR_INVALID_ARGUMENT', detail);
}

function checkText(what: string, value: unknown, allowEmpty = false): void {
  if (typeof value !== 'string' || (!allowEmpty && value.length === 0) || value.length > MAX_TEXT) {
    invalid(`${what} must be a${allowEmpty ? '' : ' non-empty'} string of at most ${MAX_TEXT} characters`);
  }
}

/**
 * Checks a load report.
 * @throws DiscoveryError `DISCOVERY_ERR_INVALID_ARGUMENT` unless every field is a finite number >= 0.
 */
export function checkLoad(load: LoadReport): void {
  if (typeof load !== 'object' || load === null) invalid('load must be an object');
  for (const field of ['sessions', 'entities', 'eventLoopLagMs', 'cpu'] as const) {
    const v = load[field];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) invalid(`load.${field} must be a finite number >= 0, got ${String(v)}`);
  }
}

/** Most entries in a server's `meta`. */
const MAX_META = 16;

/**
 * Checks a server's published extras.
 * @throws DiscoveryError `DISCOVERY_ERR_INVALID_ARGUMENT` unless it maps at most 16 short keys to short strings.
 */
export function checkMeta(meta: unknown): void {
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) invalid('meta must be an object');
  const entries = Object.entries(meta);
  if (entries.length > MAX_META) invalid(`meta has ${entries.length} entries > ${MAX_META}`);
  for (const [key, value] of entries) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(key)) invalid(`meta key ${JSON.stringify(key)}`);
    checkText(`meta.${key}`, value, true);
  }
}

/**
 * Checks what a server says about itself before anything is written.
 * @throws DiscoveryError `DISCOVERY_ERR_INVALID_ARGUMENT` naming the first bad field.
 */
export function checkRegistration(registration: Registration): void {
  if (typeof registration !== 'object' || registration === null) invalid('registration must be an object');
  const { id, type, host } = registration;
  if (id !== undefined && (typeof id !== 'string' || !SERVER_ID.test(id))) {
    invalid(`id ${JSON.stringify(id)}: 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  }
  if (typeof type !== 'string' || !SERVER_TYPE.test(type)) {
    invalid(`type ${JSON.stringify(type)}: 1-32 letters, digits, '_' or '-', starting with a letter or digit`);
  }
  if (host !== undefined) checkText('host', host);
  checkText('address', registration.address);
  checkText('version', registration.version, true);
  if (typeof registration.startedAt !== 'number' || !Number.isFinite(registration.startedAt)) invalid('startedAt must be a finite number');
  checkLoad(registration.load);
  if (registration.meta !== undefined) checkMeta(registration.meta);
}

/**
 * Checks a cluster-wide name.
 * @throws DiscoveryError `DISCOVERY_ERR_INVALID_NAME` unless `name` is 1-256 letters, digits, `.`,
 *   `_`, `:`, `@` or `-`, starting with a letter or digit.
 */
export function checkName(name: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    const shown = typeof name === 'string' ? JSON.stringify(name.slice(0, 80)) : typeof name;
    throw new DiscoveryError('DISCOVERY_ERR_INVALID_NAME', `${shown}: 1-256 letters, digits, '.', '_', ':', '@' or '-', starting with a letter or digit`);
  }
}

/**
 * Checks a mailbox that this server claims a name for.
 * @throws DiscoveryError `DISCOVERY_ERR_INVALID_ARGUMENT` when it is malformed or names another server.
 */
export function checkMailbox(mailbox: Mailbox, selfId: string): void {
  if (typeof mailbox !== 'object' || mailbox === null) invalid('mailbox must be an object');
  checkText('mailbox.entityId', mailbox.entityId);
  // A name lives as long as this server's lease; pointing it at another server would outlive that server.
  if (mailbox.serverId !== selfId) invalid(`mailbox.serverId ${JSON.stringify(mailbox.serverId)} is not this server (${selfId})`);
}

/** `host` reduced to what a readable id allows: letters, digits and `-`, at most 63 characters. */
export function sanitiseHost(host: string): string {
  return host.replace(/[^A-Za-z0-9-]/g, '-').slice(0, MAX_HOST) || 'host';
}

/** The common start of readable ids for a type and host: `<type>-<sanitised host>-`. */
export function readableIdPrefix(registration: Registration): string {
  return `${registration.type}-${sanitiseHost(registration.host ?? hostname())}-`;
}

/** The index of a readable id under `prefix`, or `undefined` when `id` is not one (`lobby-a-b-0` is not under `lobby-a-`). */
export function readableIndex(id: string, prefix: string): number | undefined {
  if (!id.startsWith(prefix)) return undefined;
  const rest = id.slice(prefix.length);
  return /^(0|[1-9][0-9]{0,8})$/.test(rest) ? Number(rest) : undefined;
}

/** The lowest index >= `from` not in `used`. */
export function lowestFree(used: ReadonlySet<number>, from = 0): number {
  let i = from;
  while (used.has(i)) i++;
  return i;
}

/** A frozen {@link ServerInfo} for `id` built from a registration (its `host` and `id` fields are not part of it). */
export function toServerInfo(registration: Registration, id: string): ServerInfo {
  const { type, address, version, startedAt, load, meta } = registration;
  return freezeServer({ id, type, address, version, startedAt, load: { ...load }, meta: { ...meta } });
}

/** The same server with a new load report, frozen. */
export function withLoad(server: ServerInfo, load: LoadReport): ServerInfo {
  return freezeServer({ ...server, load: { ...load } });
}

/** The same server marked draining, frozen. */
export function asDraining(server: ServerInfo): ServerInfo {
  return freezeServer({ ...server, draining: true });
}

/** Freezes a server and its load report: one object is shared by every reader of a member's cache. */
export function freezeServer(server: ServerInfo): ServerInfo {
  Object.freeze(server.load);
  Object.freeze(server.meta);
  return Object.freeze(server);
}

/** Whether two server infos carry the same data. */
export function sameServer(a: ServerInfo, b: ServerInfo): boolean {
  return (
    a.id === b.id &&
    a.type === b.type &&
    a.address === b.address &&
    a.version === b.version &&
    a.startedAt === b.startedAt &&
    (a.draining === true) === (b.draining === true) &&
    a.load.sessions === b.load.sessions &&
    a.load.entities === b.load.entities &&
    a.load.eventLoopLagMs === b.load.eventLoopLagMs &&
    a.load.cpu === b.load.cpu &&
    JSON.stringify(a.meta) === JSON.stringify(b.meta)
  );
}
