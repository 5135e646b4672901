/**
 * Groups in Redis (a cluster), with what groups.ts promises. Each group is a set
 * `<prefix>group:<name>` of account ids, each account a set `<prefix>groups-of:<uid>` of group
 * names, and a group that keeps offline members has the key `<prefix>group-keep:<name>`.
 *
 * A join is one Lua script (its caps are checked and both sides written atomically: all or none);
 * a leave is one pipeline; a broadcast reads the members and the setting in one pipeline, then
 * pushes (one lookup, one notification per gate). Commands fail at once with
 * HUB_ERR_GROUP_UNAVAILABLE while the client is reconnecting, instead of queueing behind an outage.
 */
import type { Redis } from 'ioredis';
import type { ClusterPush, PushResult } from './cluster-push.js';
import { HubError } from './errors.js';
import { broadcastToMembers, checkGroupName, checkUids, groupLimits, type BroadcastOptions, type GroupLimits, type Groups, type GroupSettings } from './groups.js';

// KEYS[1]: the group's set; KEYS[i + 1]: the groups of ARGV[i + 3].
// ARGV[1]: max members; ARGV[2]: max groups per account; ARGV[3]: the group's name; ARGV[4..]: the accounts.
// Returns 0 when all joined, -1 when the group would be too large, i > 0 when account i has too many groups.
const JOIN = `
local added = 0
for i = 4, #ARGV do
  if redis.call('SISMEMBER', KEYS[1], ARGV[i]) == 0 then added = added + 1 end
end
if redis.call('SCARD', KEYS[1]) + added > tonumber(ARGV[1]) then return -1 end
for i = 4, #ARGV do
  local of = KEYS[i - 2]
  if redis.call('SISMEMBER', of, ARGV[3]) == 0 and redis.call('SCARD', of) >= tonumber(ARGV[2]) then return i - 3 end
end
for i = 4, #ARGV do
  redis.call('SADD', KEYS[1], ARGV[i])
  redis.call('SADD', KEYS[i - 2], ARGV[3])
end
return 0`;

/** Settings of a {@link RedisGroups}. */
export interface RedisGroupsOptions {
  /** Key prefix, to share a Redis between clusters (default `tessera:`). */
  prefix?: string;
  /** Caps on membership (defaults: groups.ts). */
  limits?: Partial<GroupLimits>;
}

/** Groups shared through Redis. */
export class RedisGroups implements Groups {
  private readonly prefix: string;
  private readonly limits: GroupLimits;

  /**
   * @param redis a connected client; the caller owns it.
   * @param push sends broadcasts.
   * @throws RangeError for a bad cap.
   */
  constructor(
    private readonly redis: Redis,
    private readonly push: ClusterPush,
    options: RedisGroupsOptions = {},
  ) {
    this.prefix = options.prefix ?? 'tessera:';
    this.limits = groupLimits(push, options.limits);
  }

  async configure(group: string, settings: Partial<GroupSettings>): Promise<void> {
    checkGroupName(group);
    if (settings.keepOffline === undefined) return;
    const key = this.keepKey(group);
    await this.run<unknown>(() => (settings.keepOffline ? this.redis.set(key, '1') : this.redis.del(key)));
  }

  async settings(group: string): Promise<GroupSettings> {
    checkGroupName(group);
    return { keepOffline: (await this.run(() => this.redis.exists(this.keepKey(group)))) === 1 };
  }

  async join(group: string, uids: readonly string[]): Promise<void> {
    checkGroupName(group);
    const joining = checkUids(uids);
    if (joining.length === 0) return;
    // More than a group holds can never fit: refused before Redis sees it.
    if (joining.length > this.limits.maxMembers) throw new HubError('HUB_ERR_GROUP_FULL', `${group}: ${joining.length} joining > ${this.limits.maxMembers}`);
    const keys = [this.groupKey(group), ...joining.map((uid) => this.groupsOfKey(uid))];
    const outcome = Number(await this.run(() => this.redis.eval(JOIN, keys.length, ...keys, this.limits.maxMembers, this.limits.maxGroupsPerAccount, group, ...joining)));
    if (outcome === -1) throw new HubError('HUB_ERR_GROUP_FULL', `${group}: more than ${this.limits.maxMembers} members`);
    if (outcome > 0) throw new HubError('HUB_ERR_GROUP_TOO_MANY', `${joining[outcome - 1]} is in ${this.limits.maxGroupsPerAccount} groups`);
  }

  async leave(group: string, uids: readonly string[]): Promise<void> {
    checkGroupName(group);
    const leaving = checkUids(uids);
    if (leaving.length === 0) return;
    await this.exec((pipeline) => {
      pipeline.srem(this.groupKey(group), ...leaving);
      for (const uid of leaving) pipeline.srem(this.groupsOfKey(uid), group);
    });
  }

  async members(group: string): Promise<string[]> {
    checkGroupName(group);
    return this.run(() => this.redis.smembers(this.groupKey(group)));
  }

  async groupsOf(uid: string): Promise<string[]> {
    checkUids([uid]);
    return this.run(() => this.redis.smembers(this.groupsOfKey(uid)));
  }

  async broadcast(group: string, route: string, body: unknown, options?: BroadcastOptions): Promise<PushResult> {
    checkGroupName(group);
    const [members, kept] = await this.exec((pipeline) => {
      pipeline.smembers(this.groupKey(group));
      pipeline.exists(this.keepKey(group));
    });
    return broadcastToMembers(this.push, members as string[], kept === 1, route, body, options, (offline) => this.leave(group, offline));
  }

  async wentOffline(uid: string): Promise<string[]> {
    checkUids([uid]);
    const groups = await this.groupsOf(uid);
    if (groups.length === 0) return [];
    const kept = await this.exec((pipeline) => {
      for (const group of groups) pipeline.exists(this.keepKey(group));
    });
    const left = groups.filter((_, i) => kept[i] !== 1);
    if (left.length === 0) return [];
    await this.exec((pipeline) => {
      for (const group of left) pipeline.srem(this.groupKey(group), uid);
      pipeline.srem(this.groupsOfKey(uid), ...left);
    });
    return left;
  }

  /** Runs one command, failing fast while Redis is away. */
  private async run<T>(command: () => Promise<T>): Promise<T> {
    this.checkConnected();
    try {
      return await command();
    } catch (err) {
      throw new HubError('HUB_ERR_GROUP_UNAVAILABLE', 'a group command failed', { cause: err });
    }
  }

  /** Runs the commands `fill` queues in one pipeline (one round trip). @returns their replies in order. */
  private async exec(fill: (pipeline: ReturnType<Redis['pipeline']>) => void): Promise<unknown[]> {
    const pipeline = this.redis.pipeline();
    fill(pipeline);
    const results = await this.run(() => pipeline.exec());
    return (results ?? []).map(([err, value]) => {
      if (err) throw new HubError('HUB_ERR_GROUP_UNAVAILABLE', 'a group command failed', { cause: err });
      return value;
    });
  }

  // While the client waits to reconnect it would queue commands: a caller would wait out the outage.
  private checkConnected(): void {
    const { status } = this.redis;
    if (status === 'reconnecting' || status === 'close' || status === 'end') throw new HubError('HUB_ERR_GROUP_UNAVAILABLE', `Redis is not connected (${status})`);
  }

  private groupKey(group: string): string {
    return `${this.prefix}group:${group}`;
  }

  private groupsOfKey(uid: string): string {
    return `${this.prefix}groups-of:${uid}`;
  }

  private keepKey(group: string): string {
    return `${this.prefix}group-keep:${group}`;
  }
}
