/** The contract every {@link Groups} passes (memory and Redis). */
import { describe, expect, it } from 'vitest';
import type { ClusterPush } from './cluster-push.js';
import type { RecordingRpc } from './fixtures/recording-rpc.js';
import type { GroupLimits, Groups } from './groups.js';
import type { OnlineIndex } from './online-index.js';

/** What the contract runs on: empty groups, the online index their push reads, and what it sent. */
export interface GroupsUnderTest {
  groups: Groups;
  online: OnlineIndex;
  rpc: RecordingRpc;
  push: ClusterPush;
}

/** Runs the contract against groups from `make`; each call must give empty groups and an empty index. */
export function groupsContract(name: string, make: (limits?: Partial<GroupLimits>) => Promise<GroupsUnderTest>): void {
  const sorted = (list: string[]): string[] => [...list].sort();

  describe(`${name} (groups contract)`, () => {
    it('adds and removes members, and knows the groups of each account', async () => {
      const { groups } = await make();
      await groups.join('guild:1', ['a', 'b', 'c']);
      await groups.join('guild:1', ['a']);
      await groups.join('guild:2', ['a']);
      expect(sorted(await groups.members('guild:1'))).toEqual(['a', 'b', 'c']);
      expect(sorted(await groups.groupsOf('a'))).toEqual(['guild:1', 'guild:2']);
      await groups.leave('guild:1', ['a', 'b', 'nobody']);
      expect(await groups.members('guild:1')).toEqual(['c']);
      expect(await groups.groupsOf('a')).toEqual(['guild:2']);
      expect(await groups.groupsOf('b')).toEqual([]);
      expect(await groups.members('never')).toEqual([]);
    });

    it('broadcasts with one push per gate holding members, whatever their number, leaving out the excluded', async () => {
      const { groups, online, rpc } = await make();
      const uids = Array.from({ length: 300 }, (_, i) => `u${i}`);
      for (const [i, uid] of uids.entries()) await online.claim(uid, { gateId: `gate-${i % 2}`, sessionId: `s-${uid}` });
      await groups.join('raid', uids);
      const result = await groups.broadcast('raid', 'chat.line', { text: 'pull' }, { except: ['u0', 'u1'] });
      expect(result).toEqual({ gates: 2, offline: [], unreached: [] });
      expect(rpc.sent).toHaveLength(2);
      const sessions = rpc.sent.flatMap((s) => s.args[0] as string[]);
      expect(sessions).toHaveLength(298);
      expect(sessions).not.toContain('s-u0');
      expect(sorted(rpc.sent.map((s) => s.gateId))).toEqual(['gate-0', 'gate-1']);
      expect(await groups.members('raid')).toHaveLength(300);
    });

    it('reports the members a broadcast finds offline and drops them from a group that does not keep them', async () => {
      const { groups, online, rpc } = await make();
      await online.claim('on', { gateId: 'gate-0', sessionId: 's-on' });
      await groups.join('party', ['on', 'off']);
      expect(await groups.broadcast('party', 'r', 1)).toEqual({ gates: 1, offline: ['off'], unreached: [] });
      expect(await groups.members('party')).toEqual(['on']);
      expect(await groups.groupsOf('off')).toEqual([]);
      expect(await groups.broadcast('empty', 'r', 1)).toEqual({ gates: 0, offline: [], unreached: [] });
      expect(rpc.sent).toHaveLength(1);
    });

    it('keeps the offline members of a group configured to keep them, and reports them at each broadcast', async () => {
      const { groups, online } = await make();
      expect(await groups.settings('guild:7')).toEqual({ keepOffline: false });
      await groups.configure('guild:7', { keepOffline: true });
      expect(await groups.settings('guild:7')).toEqual({ keepOffline: true });
      await online.claim('on', { gateId: 'gate-0', sessionId: 's-on' });
      await groups.join('guild:7', ['on', 'off']);
      expect((await groups.broadcast('guild:7', 'r', 1)).offline).toEqual(['off']);
      expect((await groups.broadcast('guild:7', 'r', 1)).offline).toEqual(['off']);
      expect(sorted(await groups.members('guild:7'))).toEqual(['off', 'on']);
      await groups.configure('guild:7', { keepOffline: false });
      expect(await groups.settings('guild:7')).toEqual({ keepOffline: false });
    });

    it('takes an account that went offline out of every group but those that keep offline members', async () => {
      const { groups } = await make();
      await groups.configure('guild:1', { keepOffline: true });
      await groups.join('guild:1', ['a', 'b']);
      await groups.join('team:1', ['a', 'b']);
      await groups.join('zone:1', ['a']);
      expect(sorted(await groups.wentOffline('a'))).toEqual(['team:1', 'zone:1']);
      expect(await groups.groupsOf('a')).toEqual(['guild:1']);
      expect(sorted(await groups.members('team:1'))).toEqual(['b']);
      expect(await groups.members('zone:1')).toEqual([]);
      expect(await groups.wentOffline('a')).toEqual([]);
    });

    it('refuses a join past the members of a group, adding nobody of it', async () => {
      const { groups } = await make({ maxMembers: 3 });
      await groups.join('small', ['a', 'b']);
      await expect(groups.join('small', ['a', 'c', 'd'])).rejects.toMatchObject({ code: 'HUB_ERR_GROUP_FULL' });
      expect(sorted(await groups.members('small'))).toEqual(['a', 'b']);
      expect(await groups.groupsOf('c')).toEqual([]);
      await groups.join('small', ['a', 'b', 'c']);
      expect(await groups.members('small')).toHaveLength(3);
    });

    it('refuses a join that takes an account past its groups, adding nobody of it', async () => {
      const { groups } = await make({ maxGroupsPerAccount: 2 });
      await groups.join('g1', ['a']);
      await groups.join('g2', ['a']);
      await expect(groups.join('g3', ['b', 'a'])).rejects.toMatchObject({ code: 'HUB_ERR_GROUP_TOO_MANY' });
      expect(await groups.members('g3')).toEqual([]);
      expect(await groups.groupsOf('b')).toEqual([]);
      // Joining a group it is in already takes no new place.
      await groups.join('g2', ['a', 'b']);
      expect(sorted(await groups.members('g2'))).toEqual(['a', 'b']);
    });

    it('refuses bad group names and account ids', async () => {
      const { groups } = await make();
      for (const bad of ['', 'a b', 'x'.repeat(201), 'guild*']) await expect(groups.join(bad, ['a'])).rejects.toMatchObject({ code: 'HUB_ERR_GROUP_BAD_NAME' });
      await expect(groups.join('ok', [''])).rejects.toMatchObject({ code: 'HUB_ERR_GROUP_BAD_NAME' });
      await expect(groups.broadcast('bad name', 'r', 1)).rejects.toMatchObject({ code: 'HUB_ERR_GROUP_BAD_NAME' });
      expect(await groups.members('ok')).toEqual([]);
    });
  });
}
