import { afterEach, describe, expect, it } from 'vitest';
import { RemoteError } from '../engine/rpc/errors.js';
import { Inventory } from './fixtures/test-components.js';
import { args, Probe, rejection, result, startLobbyCluster, type LobbyCluster } from './fixtures/lobby-cluster.js';

let cluster: LobbyCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function bound(options: Parameters<typeof startLobbyCluster>[0] = {}) {
  cluster = await startLobbyCluster(options);
  const sessions = cluster.sessions('gate-a');
  await sessions.bind({ sessionId: 's1', uid: 'u1', gateId: 'gate-a' }, false);
  const avatar = cluster.lobby.world.find('avatar-u1')!;
  return { cluster, sessions, avatar, lobby: cluster.lobby };
}

const stored = async (c: LobbyCluster, id = 'avatar-u1') => (await c.store.load('Avatar', id))?.data;

async function waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await condition()); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(await condition()).toBe(true);
}

describe('SessionHost close', () => {
  it('saves the unsaved changes of the avatar, waits for the save, and releases the avatar and session', async () => {
    const { cluster, sessions, avatar, lobby } = await bound();
    avatar.get(Inventory).gold = 55; // dirty, not critical: only the close saves it
    await sessions.close('s1', 'client left');
    expect(await stored(cluster)).toMatchObject({ components: { Inventory: { gold: 55 } } });
    expect(avatar.alive).toBe(false);
    expect(lobby.host.sessionCount).toBe(0);
    expect(lobby.host.entityCount).toBe(0);
    expect(((await rejection(sessions.request('s1', 'Echo.echo', args(1)))) as RemoteError).code).toBe('LOBBY_ERR_UNKNOWN_SESSION');
  });

  it('closes every session of a gate that left, saving their avatars, and keeps the other gates\' sessions', async () => {
    const { cluster, avatar, lobby } = await bound();
    await cluster.sessions('gate-a').bind({ sessionId: 's2', uid: 'u2', gateId: 'gate-a' }, false);
    await cluster.sessions('gate-b').bind({ sessionId: 's3', uid: 'u3', gateId: 'gate-b' }, false);
    avatar.get(Inventory).gold = 42;
    await lobby.host.gateLeft('gate-a');
    expect(await stored(cluster)).toMatchObject({ components: { Inventory: { gold: 42 } } });
    expect(lobby.host.sessions().map((s) => s.sessionId)).toEqual(['s3']);
    expect(lobby.world.find('avatar-u2')).toBeUndefined();
  });

  it('moves a session resumed on another gate there, with its data, and leaves it alone when the old gate leaves', async () => {
    const { cluster, avatar, lobby } = await bound();
    lobby.host.sessionOf('u1')!.data.set('party', 'p-7');
    // The other gate took the session over: it binds the same session, without the data.
    const rebinding = lobby.host.bind({ sessionId: 's1', uid: 'u1', gateId: 'gate-b' }, false);
    // The old gate's departure is seen while that bind is in flight.
    const left = lobby.host.gateLeft('gate-a');
    expect(await rebinding).toMatchObject({ avatar: { entityId: 'avatar-u1' } });
    await left;
    expect(lobby.host.sessionOf('u1')).toMatchObject({ sessionId: 's1', gateId: 'gate-b' });
    expect(lobby.world.find('avatar-u1')).toBe(avatar);
    expect(avatar.alive).toBe(true);
    expect(lobby.host.sessionOf('u1')!.data.get('party')).toBe('p-7');
    await waitFor(() => cluster.gates['gate-b'].data.get('s1')?.get('party') !== undefined);
    expect(result(await cluster.sessions('gate-b').request('s1', 'Echo.echo', args('on b')))).toBe('on b');
  });

  it('treats the close of an unknown session as a no-op', async () => {
    const { sessions, lobby } = await bound();
    await sessions.close('nobody', 'gone');
    expect(lobby.host.sessionCount).toBe(1);
  });

  it('lets the requests queued before it finish first, and saves what they changed', async () => {
    const { cluster, sessions } = await bound();
    const held = sessions.request('s1', 'Probe.wait', args('held'));
    const buy = sessions.request('s1', 'Inventory.buy', args('shield', 20));
    const closed = sessions.close('s1', 'client left');
    await waitFor(() => Probe.holds.has('held'));
    Probe.holds.get('held')!();
    await Promise.all([held, buy, closed]);
    expect(await stored(cluster)).toMatchObject({ components: { Inventory: { gold: 80, items: ['shield'] } } });
  });

  it('saves anyway once a request has run past the settle wait on the injected clock', async () => {
    const { cluster, sessions, avatar, lobby } = await bound({ settleWaitMs: 1_000 });
    void sessions.request('s1', 'Probe.hang', args()).catch(() => undefined);
    avatar.get(Inventory).gold = 1;
    const timers = lobby.clock.pendingCount;
    const closed = sessions.close('s1', 'client left');
    await waitFor(() => lobby.clock.pendingCount > timers);
    lobby.clock.advance(1_000);
    await closed;
    expect(await stored(cluster)).toMatchObject({ components: { Inventory: { gold: 1 } } });
    expect(lobby.logger.at('warn').map((l) => l.message)).toEqual(expect.arrayContaining(['lobby: a request was still running after the settle wait', 'lobby: onOffline skipped: the avatar is still busy']));
  });

  it('makes a bind of the same uid wait for the close that is saving, then load what it saved', async () => {
    const { sessions, avatar, lobby } = await bound();
    avatar.get(Inventory).gold = 42;
    const closed = sessions.close('s1', 'client left');
    const again = await sessions.bind({ sessionId: 's2', uid: 'u1', gateId: 'gate-a' }, false);
    await closed;
    expect(again.loaded).toBe(true);
    expect(lobby.world.find('avatar-u1')?.get(Inventory).gold).toBe(42);
    expect(lobby.host.sessionCount).toBe(1);
  });

  it('closes a session whose bind was still in flight when the close arrived', async () => {
    cluster = await startLobbyCluster();
    const sessions = cluster.sessions('gate-a');
    const binding = sessions.bind({ sessionId: 's7', uid: 'u7', gateId: 'gate-a' }, false);
    await sessions.close('s7', 'client left before its bind finished');
    await binding;
    expect(cluster.lobby.host.sessionCount).toBe(0);
    expect(cluster.lobby.host.entityCount).toBe(0);
    expect(await stored(cluster, 'avatar-u7')).toMatchObject({ components: { Inventory: { gold: 100 } } });
  });
});

describe('SessionHost after a lobby is lost', () => {
  it('rebinds the session on another lobby once the dead lobby\'s claim lapses, which loads the last saved state', async () => {
    const { cluster, sessions, avatar, lobby } = await bound();
    await sessions.request('s1', 'Inventory.buy', args('sword', 30)); // critical: saved at once
    await lobby.persistence.idle();
    avatar.get(Inventory).items = ['sword', 'flushed']; // saved by the periodic flush below
    await lobby.host.flushDirty();
    avatar.get(Inventory).gold = 0; // never saved: lost with the lobby
    await lobby.node.stop();
    // The dead lobby's claim on the avatar lapses in the store.
    cluster.storeClock.advance(30_001);

    const second = cluster.startLobby('lobby-2');
    const rebound = await cluster.sessions('gate-a', 'lobby-2').bind({ sessionId: 's1', uid: 'u1', gateId: 'gate-a' }, true);
    expect(rebound).toEqual({ avatar: { serverId: 'lobby-2', entityId: 'avatar-u1' }, loaded: true });
    expect(second.world.find('avatar-u1')?.get(Inventory)).toMatchObject({ gold: 70, items: ['sword', 'flushed'] });
    const reply = await cluster.sessions('gate-a', 'lobby-2').request('s1', 'Probe.whoami', args());
    expect(result(reply)).toEqual({ uid: 'u1', sessionId: 's1', gateId: 'gate-a' });
  });
});

describe('SessionHost session data', () => {
  it("keeps what game code stores in the session at the session's gate, and a rebind to another lobby carries it", async () => {
    const { cluster, sessions, lobby } = await bound();
    await sessions.request('s1', 'Probe.remember', args('match', { id: 7, team: 'red' }));
    await sessions.request('s1', 'Probe.remember', args('invite', 'from u9'));
    const gate = cluster.gates['gate-a'];
    await waitFor(() => gate.data.get('s1')?.size === 2);
    // The lobby dies; its claim on the avatar lapses; the gate rebinds the session elsewhere.
    await lobby.persistence.idle();
    await lobby.node.stop();
    cluster.storeClock.advance(30_001);
    cluster.startLobby('lobby-2');
    const info = { sessionId: 's1', uid: 'u1', gateId: 'gate-a', data: gate.data.get('s1')!.toRecord() };
    await cluster.sessions('gate-a', 'lobby-2').bind(info, true);
    expect(result(await cluster.sessions('gate-a', 'lobby-2').request('s1', 'Probe.recall', args()))).toEqual({ match: { id: 7, team: 'red' }, invite: 'from u9' });
  });

  it('refuses a bind whose data is past the caps or malformed with LOBBY_ERR_BAD_ARGS', async () => {
    const { sessions } = await bound();
    const refused = async (data: unknown) => ((await rejection(sessions.bind({ sessionId: 's2', uid: 'u2', gateId: 'gate-a', data } as never, false))) as RemoteError);
    expect(await refused({ big: new Uint8Array(5_000) })).toMatchObject({ code: 'LOBBY_ERR_BAD_ARGS', remoteMessage: expect.stringContaining('cap 4096') });
    expect(await refused({ k: 'not bytes' })).toMatchObject({ code: 'LOBBY_ERR_BAD_ARGS' });
    expect(await refused('nope')).toMatchObject({ code: 'LOBBY_ERR_BAD_ARGS' });
  });

  it('answers a game method that stores past the caps with LOBBY_ERR_INTERNAL and logs the clear reason', async () => {
    const { sessions, lobby } = await bound();
    expect(((await rejection(sessions.request('s1', 'Probe.remember', args('big', 'x'.repeat(5_000))))) as RemoteError).code).toBe('LOBBY_ERR_INTERNAL');
    expect(String(lobby.logger.at('error')[0]!.meta.err)).toMatch(/session data: big would make \d+ bytes, cap 4096/);
  });
});

describe('SessionHost drain and flush', () => {
  it('flushes dirty entities on its own timer when flushIntervalMs is set', async () => {
    const { cluster, avatar, lobby } = await bound({ flushIntervalMs: 1_000 });
    await lobby.host.start();
    avatar.get(Inventory).gold = 12;
    lobby.clock.advance(999);
    expect(await stored(cluster)).toMatchObject({ components: { Inventory: { gold: 100 } } });
    lobby.clock.advance(1);
    await waitFor(async () => (await stored(cluster))?.components !== undefined && ((await stored(cluster)) as { components: { Inventory: { gold: number } } }).components.Inventory.gold === 12);
    await lobby.host.stop();
  });

  it('refuses binds and requests with LOBBY_ERR_SHUTTING_DOWN once draining, still closes, and saves everything', async () => {
    const { cluster, sessions, avatar, lobby } = await bound();
    avatar.get(Inventory).gold = 5;
    await lobby.host.drain();
    expect(await stored(cluster)).toMatchObject({ components: { Inventory: { gold: 5 } } });
    for (const call of [sessions.request('s1', 'Echo.echo', args(1)), sessions.bind({ sessionId: 's2', uid: 'u2', gateId: 'gate-a' }, false)]) {
      expect(((await rejection(call)) as RemoteError).code).toBe('LOBBY_ERR_SHUTTING_DOWN');
    }
    await sessions.close('s1', 'lobby leaving');
    expect(lobby.host.entityCount).toBe(0);
    await lobby.host.stop();
  });
});
