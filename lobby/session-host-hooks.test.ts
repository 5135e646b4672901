/**
 * The player entity's hooks as the session host calls them: onOnline after a fresh bind or a
 * takeover, onRebound after a rebind, onOffline before the close saves (not when the player moves
 * to another lobby); the resume listeners; a hook that throws is
 * logged with the entity id and the bind or close goes on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Inventory } from './fixtures/test-components.js';
import { args, Probe, ProbedAvatar, rejection, result, startLobbyCluster, type LobbyCluster } from './fixtures/lobby-cluster.js';

let cluster: LobbyCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

const info = (sessionId: string, uid = 'u1', gateId = 'gate-a') => ({ sessionId, uid, gateId });

describe('PlayerEntity hooks', () => {
  it('calls onOnline once after a fresh bind, with the session set, and not again for a repeated bind', async () => {
    cluster = await startLobbyCluster();
    const sessions = cluster.sessions('gate-a');
    await sessions.bind(info('s1'), false);
    await sessions.bind(info('s1'), false);
    expect(ProbedAvatar.hooks).toEqual([['onOnline', 's1']]);
  });

  it('answers the bind only once onOnline has settled, so the first request sees what it did', async () => {
    cluster = await startLobbyCluster();
    ProbedAvatar.hookAction = async (avatar, hook) => {
      await Promise.resolve();
      if (hook === 'onOnline') avatar.get(Inventory).items.push('daily gift');
    };
    const sessions = cluster.sessions('gate-a');
    await sessions.bind(info('s1'), false);
    expect(result(await sessions.request('s1', 'Probe.whoami', args()))).toMatchObject({ sessionId: 's1' });
    expect(cluster.lobby.world.find('avatar-u1')!.get(Inventory).items).toEqual(['daily gift']);
  });

  it('calls onOnline for a takeover by a newer session, with no onOffline between', async () => {
    cluster = await startLobbyCluster();
    await cluster.sessions('gate-a').bind(info('s1'), false);
    await cluster.sessions('gate-b').bind(info('s9', 'u1', 'gate-b'), false);
    await cluster.sessions('gate-a').close('s1', 'kicked');
    expect(ProbedAvatar.hooks).toEqual([
      ['onOnline', 's1'],
      ['onOnline', 's9'],
    ]);
  });

  it('calls onRebound instead of onOnline after a bind with rebound', async () => {
    cluster = await startLobbyCluster();
    await cluster.sessions('gate-a').bind(info('s1'), true);
    expect(ProbedAvatar.hooks).toEqual([['onRebound', 's1']]);
  });

  it('calls onOffline with the reason before the close saves, with the session still set, and saves what it changed', async () => {
    cluster = await startLobbyCluster();
    ProbedAvatar.hookAction = (avatar, hook) => {
      if (hook === 'onOffline') avatar.get(Inventory).gold = 1;
    };
    const sessions = cluster.sessions('gate-a');
    await sessions.bind(info('s1'), false);
    await sessions.close('s1', 'client left');
    expect(ProbedAvatar.hooks).toEqual([
      ['onOnline', 's1'],
      ['onOffline', 's1', 'client left'],
    ]);
    expect((await cluster.store.load('Avatar', 'avatar-u1'))?.data).toMatchObject({ components: { Inventory: { gold: 1 } } });
  });

  it('tells the resume listeners of a session bound here, and nobody of one that is not', async () => {
    cluster = await startLobbyCluster();
    const heard: string[] = [];
    const stop = cluster.lobby.host.onResumed((avatar, sessionId) => heard.push(`${avatar.id} ${sessionId}`));
    await cluster.sessions('gate-a').bind(info('s1'), false);
    await cluster.sessions('gate-a').resumed('s1');
    await cluster.sessions('gate-a').resumed('s2');
    stop();
    await cluster.sessions('gate-a').resumed('s1');
    expect(heard).toEqual(['avatar-u1 s1']);
  });

  it('calls onOffline for the sessions of a gate that left', async () => {
    cluster = await startLobbyCluster();
    await cluster.sessions('gate-a').bind(info('s1'), false);
    await cluster.lobby.host.gateLeft('gate-a');
    expect(ProbedAvatar.hooks.at(-1)).toEqual(['onOffline', 's1', 'gate gate-a left']);
  });

  it('logs a hook that throws with the entity id, and still binds and closes', async () => {
    cluster = await startLobbyCluster();
    ProbedAvatar.hookAction = (_avatar, hook) => {
      throw new Error(`${hook} bug`);
    };
    const sessions = cluster.sessions('gate-a');
    expect(await sessions.bind(info('s1'), false)).toEqual({ avatar: { serverId: 'lobby-1', entityId: 'avatar-u1' }, loaded: false });
    expect(result(await sessions.request('s1', 'Echo.echo', args('still served')))).toBe('still served');
    await sessions.bind(info('s2', 'u2'), true);
    await sessions.close('s1', 'client left');
    expect(cluster.lobby.host.sessionCount).toBe(1);
    expect(await cluster.store.load('Avatar', 'avatar-u1')).toBeDefined();
    expect(cluster.lobby.world.find('avatar-u1')).toBeUndefined();
    expect(cluster.lobby.logger.at('error').map((l) => [l.message, l.meta.entityId, (l.meta.err as Error).message])).toEqual([
      ['lobby: onOnline threw', 'avatar-u1', 'onOnline bug'],
      ['lobby: onRebound threw', 'avatar-u2', 'onRebound bug'],
      ['lobby: onOffline threw', 'avatar-u1', 'onOffline bug'],
    ]);
  });
});
