/**
 * Groups (channels): named sets of accounts that any server joins, leaves, lists and broadcasts
 * to. A broadcast costs one push per gate that holds members (cluster-push.ts), whatever their
 * number. Members who go offline leave every group ({@link Groups.wentOffline}, and any broadcast
 * that finds them offline), except from groups configured to keep them (`keepOffline`), whose
 * broadcasts report them so that the game can keep their mail.
 *
 * {@link MemoryGroups} (memory-groups.ts) serves standalone mode; `RedisGroups` (redis-groups.ts)
 * a cluster. Both pass groups.contract.ts.
 */
import type { ClusterPush, PushResult } from './cluster-push.js';
import { HubError } from './errors.js';

/** How a group treats its members. */
export interface GroupSettings {
  /**
   * Keep members who go offline (default false: they leave the group when they go offline, or
   * when a broadcast finds them offline). Broadcasts report them in `offline`.
   */
  keepOffline: boolean;
}

/** Caps on membership, checked at every join. */
export interface GroupLimits {
  /** Members of one group (default {@link DEFAULT_GROUP_LIMITS}: 10,000; at most the push's cap). */
  maxMembers: number;
  /** Groups of one account (default 256). */
  maxGroupsPerAccount: number;
}

/** The default {@link GroupLimits}. */
export const DEFAULT_GROUP_LIMITS: GroupLimits = { maxMembers: 10_000, maxGroupsPerAccount: 256 };

/** What a broadcast leaves out. */
export interface BroadcastOptions {
  /** Accounts not to send to (the sender of a chat line, say); they stay members. */
  except?: readonly string[];
}

/** Named groups of accounts, reachable from every server. */
export interface Groups {
  /**
   * Sets how group `group` treats its members (it need not have members yet); the settings stay
   * when the group empties.
   * @throws HubError HUB_ERR_GROUP_BAD_NAME, HUB_ERR_GROUP_UNAVAILABLE.
   */
  configure(group: string, settings: Partial<GroupSettings>): Promise<void>;
  /** The group's settings (the defaults for a group never configured). */
  settings(group: string): Promise<GroupSettings>;
  /**
   * Adds accounts to the group (those in it already stay), all or none.
   * @throws HubError HUB_ERR_GROUP_FULL past `maxMembers`, HUB_ERR_GROUP_TOO_MANY when an account
   *   would pass `maxGroupsPerAccount`, HUB_ERR_GROUP_BAD_NAME, HUB_ERR_GROUP_UNAVAILABLE.
   */
  join(group: string, uids: readonly string[]): Promise<void>;
  /** Removes accounts from the group (those not in it are ignored). */
  leave(group: string, uids: readonly string[]): Promise<void>;
  /** The group's members, in no particular order. */
  members(group: string): Promise<string[]>;
  /** The groups the account is in, in no particular order. */
  groupsOf(uid: string): Promise<string[]>;
  /**
   * Pushes `body` on `route` to every member logged in, but those in `except`: one push per gate
   * holding members. Members found offline leave a group that does not keep them.
   * @returns the push's result: `offline` lists the members not logged in (for a group that keeps
   *   them, those to keep mail for).
   * @throws HubError HUB_ERR_GROUP_BAD_NAME, HUB_ERR_GROUP_UNAVAILABLE; CodecError for a body msgpack cannot carry.
   */
  broadcast(group: string, route: string, body: unknown, options?: BroadcastOptions): Promise<PushResult>;
  /**
   * The account went offline: it leaves every group that does not keep offline members.
   * @returns the groups it left.
   */
  wentOffline(uid: string): Promise<string[]>;
}

const GROUP_NAME = /^[A-Za-z0-9:._-]{1,200}$/;
const MAX_UID_LENGTH = 256;

/** @throws HubError HUB_ERR_GROUP_BAD_NAME unless `group` is 1-200 letters, digits or `:._-`. */
export function checkGroupName(group: string): void {
  if (typeof group !== 'string' || !GROUP_NAME.test(group)) throw new HubError('HUB_ERR_GROUP_BAD_NAME', `group ${JSON.stringify(String(group).slice(0, 64))}`);
}

/**
 * `uids` without repeats.
 * @throws HubError HUB_ERR_GROUP_BAD_NAME for an account id that is not a string of 1-256 characters.
 */
export function checkUids(uids: readonly string[]): string[] {
  for (const uid of uids) {
    if (typeof uid !== 'string' || uid.length === 0 || uid.length > MAX_UID_LENGTH) throw new HubError('HUB_ERR_GROUP_BAD_NAME', `account id ${JSON.stringify(String(uid).slice(0, 64))}`);
  }
  return [...new Set(uids)];
}

/**
 * The caps with their defaults.
 * @throws RangeError for a cap that is not a positive integer, or `maxMembers` above what one push carries.
 */
export function groupLimits(push: ClusterPush, limits: Partial<GroupLimits> = {}): GroupLimits {
  const resolved = { ...DEFAULT_GROUP_LIMITS, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`groups: ${name} must be a positive integer, got ${value}`);
  }
  // A broadcast is one push: a group never outgrows it.
  if (resolved.maxMembers > push.maxUids) throw new RangeError(`groups: maxMembers ${resolved.maxMembers} > the push's cap ${push.maxUids}`);
  return resolved;
}

/**
 * The broadcast both implementations share: push to `members` but `except`, then drop the
 * members found offline unless the group keeps them.
 */
export async function broadcastToMembers(
  push: ClusterPush,
  members: readonly string[],
  keepOffline: boolean,
  route: string,
  body: unknown,
  options: BroadcastOptions | undefined,
  leave: (offline: string[]) => Promise<void>,
): Promise<PushResult> {
  const except = new Set(options?.except ?? []);
  const result = await push.push(except.size === 0 ? members : members.filter((uid) => !except.has(uid)), route, body);
  if (!keepOffline && result.offline.length > 0) await leave(result.offline);
  return result;
}
