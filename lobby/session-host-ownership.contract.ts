/**
 * Ownership of avatars across lobbies, run against each store backend by the test files beside
 * it: two lobbies racing for one avatar, a lobby partitioned from the store while another takes
 * over, and a stale lobby that never noticed. What the clients were answered is recorded; at the
 * end every acknowledged change must be in the store and nothing a stale owner did.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { OutageStore } from '../engine/persist/fixtures/outage-store.js';
import type { Store } from '../engine/persist/store.js';
import { RemoteError } from '../engine/rpc/errors.js';
import type { Clock } from '../engine/timer/clock.js';
import { Inventory } from './fixtures/test-components.js';
import { args, rejection, startLobbyCluster, type LobbyCluster } from './fixtures/lobby-cluster.js';

const TTL = 30_000;
const u1 = (sessionId: string, gateId: 'gate-a' | 'gate-b') => ({ sessionId, uid: 'u1', gateId });

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const err = await rejection(promise);
  expect(err).toBeInstanceOf(RemoteError);
  return (err as RemoteError).code;
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

/** Registers the ownership tests for one backend; `openStore` as in startLobbyCluster. */
export function describeLobbyOwnership(label: string, openStore?: (clock: Clock) => Promise<Store>): void {
  describe(`Lobby ownership of avatars (${label})`, () => {
    let cluster: LobbyCluster | undefined;
    afterEach(async () => {
      await cluster?.stop();
      cluster = undefined;
    });
    const start = (options: Parameters<typeof startLobbyCluster>[0] = {}) =>
      startLobbyCluster({ claimWaitMs: 0, ...options, ...(openStore ? { openStore } : {}) });
    const stored = async () => (await cluster!.store.load('Avatar', 'avatar-u1'))?.data as { components: { Inventory: { gold: number; items: string[] } } } | undefined;

    it('lets exactly one of two lobbies racing for an avatar own it, and keeps every acknowledged change', async () => {
      cluster = await start();
      const second = cluster.startLobby('lobby-2', { claimWaitMs: 0 });
      const [a, b] = [cluster.sessions('gate-a', 'lobby-1'), cluster.sessions('gate-b', 'lobby-2')];
      const binds = await Promise.allSettled([a.bind(u1('s1', 'gate-a'), false), b.bind(u1('s2', 'gate-b'), false)]);
      expect(binds.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = binds.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason as RemoteError;
      expect(refused.code).toBe('LOBBY_ERR_AVATAR_BUSY');
      const [winner, loser, sessionId] = binds[0]!.status === 'fulfilled' ? [a, b, 's1'] : [b, a, 's2'];
      const [winnerLobby, loserLobby] = binds[0]!.status === 'fulfilled' ? [cluster.lobby, second] : [second, cluster.lobby];
      expect(loserLobby.world.entityCount).toBe(0);

      const acknowledged: string[] = [];
      for (const item of ['sword', 'shield', 'map']) {
        await winner.request(sessionId, 'Inventory.buy', args(item, 10));
        acknowledged.push(item);
      }
      // The loser keeps being refused while the winner holds the avatar.
      expect(await codeOf(loser.bind(u1('s3', sessionId === 's1' ? 'gate-b' : 'gate-a'), false))).toBe('LOBBY_ERR_AVATAR_BUSY');
      await winner.close(sessionId, 'logged out');
      expect(winnerLobby.world.entityCount).toBe(0);

      // Logged out: the other lobby may load it now, with everything the client was told.
      const again = await loser.bind(u1('s4', sessionId === 's1' ? 'gate-b' : 'gate-a'), false);
      expect(again.loaded).toBe(true);
      expect(loserLobby.world.find('avatar-u1')?.get(Inventory).items).toEqual(acknowledged);
      expect((await stored())?.components.Inventory).toEqual({ gold: 70, items: acknowledged });
    });

    it('keeps a player on a lobby whose claim lapses during a partition, saving nothing, and kicks it once the healed store names another owner, which kept every acknowledged change', async () => {
      cluster = await start();
      // lobby-2 reaches the store through a link that the test cuts.
      const cut = new OutageStore(cluster.store);
      const stale = cluster.startLobby('lobby-2', { store: cut, claimTtlMs: TTL, claimRenewMs: 10_000 });
      const gate = cluster.sessions('gate-a', 'lobby-2');
      await gate.bind(u1('s1', 'gate-a'), false);
      const acknowledged: string[] = [];
      for (const item of ['sword', 'shield']) {
        await gate.request('s1', 'Inventory.buy', args(item, 10));
        acknowledged.push(item);
      }

      cut.down = true;
      // A purchase during the partition is applied here but never acknowledged.
      expect(await codeOf(gate.request('s1', 'Inventory.buy', args('castle', 10)))).toBe('LOBBY_ERR_STORE');
      stale.clock.advance(TTL);
      await waitFor(() => stale.logger.at('warn').some((l) => l.message.startsWith('ownership claims lapsed')));
      // The player plays on; nothing is written under the lapsed claim.
      await gate.request('s1', 'Echo.echo', args(1));
      expect(cluster.gates['gate-a'].kicks).toEqual([]);
      expect(stale.world.entityCount).toBe(1);

      // The claim lapses in the store too; lobby-1 takes the avatar over with a higher epoch.
      cluster.storeClock.advance(TTL + 1);
      const owner = cluster.sessions('gate-b', 'lobby-1');
      expect(await owner.bind(u1('s2', 'gate-b'), false)).toMatchObject({ loaded: true });
      expect(cluster.lobby.world.find('avatar-u1')?.get(Inventory).items).toEqual(acknowledged);
      await owner.request('s2', 'Inventory.buy', args('boots', 10));
      acknowledged.push('boots');
      expect(await stale.host.flushDirty()).toEqual({ saved: 0, conflicts: 0, lost: 0 });

      // The partition heals: the next renewal finds the avatar owned by lobby-1, and the stale lobby lets it go.
      cut.down = false;
      stale.clock.advance(10_000);
      await waitFor(() => cluster!.gates['gate-a'].kicks.length > 0);
      expect(cluster.gates['gate-a'].kicks).toEqual([{ sessionId: 's1', reason: 'LOBBY_ERR_OWNERSHIP_LOST' }]);
      expect(stale.world.entityCount).toBe(0);
      expect(stale.logger.at('error').find((l) => l.message === 'entity ownership lost; its unsaved changes are dropped')?.meta).toMatchObject({ entityId: 'avatar-u1', unsaved: true });
      expect(await stale.host.flushDirty()).toEqual({ saved: 0, conflicts: 0, lost: 0 });
      await stale.host.drain();
      const { components } = (await stored())!;
      expect(components.Inventory).toEqual({ gold: 70, items: acknowledged });
    });

    it('refuses the save of a lobby that never noticed its claim was taken over, and kicks its session', async () => {
      cluster = await start();
      const stale = cluster.lobby;
      await cluster.sessions('gate-a').bind(u1('s1', 'gate-a'), false);
      await cluster.sessions('gate-a').request('s1', 'Inventory.buy', args('sword', 10));
      // lobby-1 is paused (its clock stands still, no renewal runs) while its claim lapses.
      cluster.storeClock.advance(TTL + 1);
      const owner = cluster.startLobby('lobby-2', { claimWaitMs: 0 });
      const gate = cluster.sessions('gate-b', 'lobby-2');
      await gate.bind(u1('s2', 'gate-b'), false);
      await gate.request('s2', 'Inventory.buy', args('shield', 10));

      // lobby-1 wakes up and serves a purchase: the store refuses its save, and nobody is told it worked.
      expect(await codeOf(cluster.sessions('gate-a').request('s1', 'Inventory.buy', args('castle', 10)))).toBe('LOBBY_ERR_OWNERSHIP_LOST');
      await waitFor(() => cluster!.gates['gate-a'].kicks.length > 0);
      expect(cluster.gates['gate-a'].kicks).toEqual([{ sessionId: 's1', reason: 'LOBBY_ERR_OWNERSHIP_LOST' }]);
      expect(stale.logger.at('error').map((l) => l.message)).toContain('lobby: avatar ownership lost; session kicked');
      expect(owner.world.find('avatar-u1')?.get(Inventory).items).toEqual(['sword', 'shield']);
      expect((await stored())?.components.Inventory).toEqual({ gold: 80, items: ['sword', 'shield'] });
    });

    it('makes a bind wait for another lobby\'s claim within claimWaitMs, then answers LOBBY_ERR_AVATAR_BUSY', async () => {
      cluster = await start();
      await cluster.sessions('gate-a').bind(u1('s1', 'gate-a'), false);
      const other = cluster.startLobby('lobby-2', { claimWaitMs: 1_000, claimRetryMs: 250 });
      const waiting = cluster.sessions('gate-b', 'lobby-2').bind(u1('s2', 'gate-b'), false);
      for (let waited = 0; waited < 1_000; waited += 250) {
        await waitFor(() => other.clock.pendingCount > 0);
        other.clock.advance(250);
      }
      expect(await codeOf(waiting)).toBe('LOBBY_ERR_AVATAR_BUSY');

      // A logout on the first lobby while the second waits lets the second load the avatar.
      const retry = cluster.sessions('gate-b', 'lobby-2').bind(u1('s3', 'gate-b'), false);
      await waitFor(() => other.clock.pendingCount > 0);
      await cluster.sessions('gate-a').close('s1', 'logged out');
      other.clock.advance(250);
      expect(await retry).toMatchObject({ loaded: true });
    });
  });
}
