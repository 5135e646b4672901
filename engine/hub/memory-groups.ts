/** Groups in this process's memory (standalone mode); groups.ts says what they promise. */
import type { ClusterPush, PushResult } from './cluster-push.js';
import { HubError } from './errors.js';
import { broadcastToMembers, checkGroupName, checkUids, groupLimits, type BroadcastOptions, type GroupLimits, type Groups, type GroupSettings } from './groups.js';

/** Groups kept in memory; they die with the process. */
export class MemoryGroups implements Groups {
  private readonly limits: GroupLimits;
  private readonly groups = new Map<string, Set<string>>();
  private readonly memberships = new Map<string, Set<string>>();
  private readonly keeping = new Set<string>();

  /**
   * @param push sends broadcasts.
   * @param limits caps on membership (defaults: groups.ts).
   * @throws RangeError for a bad cap.
   */
  constructor(
    private readonly push: ClusterPush,
    limits?: Partial<GroupLimits>,
  ) {
    this.limits = groupLimits(push, limits);
  }

  async configure(group: string, settings: Partial<GroupSettings>): Promise<void> {
    checkGroupName(group);
    if (settings.keepOffline === true) this.keeping.add(group);
    else if (settings.keepOffline === false) this.keeping.delete(group);
  }

  async settings(group: string): Promise<GroupSettings> {
    checkGroupName(group);
    return { keepOffline: this.keeping.has(group) };
  }

  async join(group: string, uids: readonly string[]): Promise<void> {
    checkGroupName(group);
    const joining = checkUids(uids);
    const members = this.groups.get(group);
    const added = joining.filter((uid) => !members?.has(uid));
    const size = (members?.size ?? 0) + added.length;
    if (size > this.limits.maxMembers) throw new HubError('HUB_ERR_GROUP_FULL', `${group}: ${size} members > ${this.limits.maxMembers}`);
    const crowded = added.find((uid) => (this.memberships.get(uid)?.size ?? 0) >= this.limits.maxGroupsPerAccount);
    if (crowded !== undefined) throw new HubError('HUB_ERR_GROUP_TOO_MANY', `${crowded} is in ${this.limits.maxGroupsPerAccount} groups`);
    if (added.length === 0) return;
    const set = members ?? new Set<string>();
    this.groups.set(group, set);
    for (const uid of added) {
      set.add(uid);
      const of = this.memberships.get(uid) ?? new Set<string>();
      of.add(group);
      this.memberships.set(uid, of);
    }
  }

  async leave(group: string, uids: readonly string[]): Promise<void> {
    checkGroupName(group);
    for (const uid of checkUids(uids)) this.remove(group, uid);
  }

  async members(group: string): Promise<string[]> {
    checkGroupName(group);
    return [...(this.groups.get(group) ?? [])];
  }

  async groupsOf(uid: string): Promise<string[]> {
    checkUids([uid]);
    return [...(this.memberships.get(uid) ?? [])];
  }

  async broadcast(group: string, route: string, body: unknown, options?: BroadcastOptions): Promise<PushResult> {
    checkGroupName(group);
    return broadcastToMembers(this.push, [...(this.groups.get(group) ?? [])], this.keeping.has(group), route, body, options, (offline) => this.leave(group, offline));
  }

  async wentOffline(uid: string): Promise<string[]> {
    checkUids([uid]);
    const left = [...(this.memberships.get(uid) ?? [])].filter((group) => !this.keeping.has(group));
    for (const group of left) this.remove(group, uid);
    return left;
  }

  private remove(group: string, uid: string): void {
    const members = this.groups.get(group);
    if (!members?.delete(uid)) return;
    if (members.size === 0) this.groups.delete(group);
    const of = this.memberships.get(uid)!;
    of.delete(group);
    if (of.size === 0) this.memberships.delete(uid);
  }
}
