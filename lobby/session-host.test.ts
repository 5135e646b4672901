import { afterEach, describe, expect, it } from 'vitest';
import { OutageStore } from '../engine/persist/fixtures/outage-store.js';
import { RemoteError } from '../engine/rpc/errors.js';
import { internalErrorId } from '../engine/session/session-contract.js';
import { Inventory } from './fixtures/test-components.js';
import { LobbyError } from './errors.js';
import { LOBBY_DEFAULTS } from './lobby-defaults.js';
import { args, Probe, rejection, result, startLobbyCluster, type LobbyCluster } from './fixtures/lobby-cluster.js';
import { SessionHost } from './session-host.js';

let cluster: LobbyCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function bound(options: Parameters<typeof startLobbyCluster>[0] = {}) {
  cluster = await startLobbyCluster(options);
  const sessions = cluster.sessions('gate-a');
  const bind = await sessions.bind({ sessionId: 's1', uid: 'u1', gateId: 'gate-a' }, false);
  return { cluster, sessions, bind, host: cluster.lobby.host };
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const err = await rejection(promise);
  expect(err).toBeInstanceOf(RemoteError);
  return (err as RemoteError).code;
}

describe('SessionHost bind', () => {
  it('creates and saves a new avatar named after the uid when the store has none', async () => {
    const { cluster, bind, host } = await bound();
    expect(bind).toEqual({ avatar: { serverId: 'lobby-1', entityId: 'avatar-u1' }, loaded: false });
    const stored = await cluster.store.load('Avatar', 'avatar-u1');
    expect(stored?.data).toMatchObject({ type: 'Avatar', components: { Inventory: { gold: 100, items: [] } } });
    expect(host.sessionCount).toBe(1);
    expect(host.entityCount).toBe(1);
  });

  it('loads an avatar the store has, with its saved state', async () => {
    cluster = await startLobbyCluster();
    await cluster.store.save('Avatar', { id: 'avatar-u2', expectedVersion: 0, data: { type: 'Avatar', components: { Inventory: { gold: 7, items: ['hat'] } } } });
    const bind = await cluster.sessions('gate-a').bind({ sessionId: 's2', uid: 'u2', gateId: 'gate-a' }, false);
    expect(bind.loaded).toBe(true);
    expect(cluster.lobby.world.find('avatar-u2')?.get(Inventory)).toMatchObject({ gold: 7, items: ['hat'] });
  });

  it('answers a repeated bind of the same session with the same avatar', async () => {
    const { sessions, bind, host } = await bound();
    const again = await sessions.bind({ sessionId: 's1', uid: 'u1', gateId: 'gate-a' }, false);
    expect(again).toEqual(bind);
    expect(host.sessionCount).toBe(1);
    expect(host.entityCount).toBe(1);
  });

  it('hands the live avatar to a newer session of the same uid', async () => {
    const { cluster, sessions, host } = await bound();
    await sessions.request('s1', 'Inventory.buy', args('map', 10));
    const later = await cluster.sessions('gate-b').bind({ sessionId: 's9', uid: 'u1', gateId: 'gate-b' }, false);
    expect(later).toEqual({ avatar: { serverId: 'lobby-1', entityId: 'avatar-u1' }, loaded: true });
    expect(host.sessionCount).toBe(1);
    expect(await codeOf(sessions.request('s1', 'Echo.echo', args(1)))).toBe('LOBBY_ERR_UNKNOWN_SESSION');
    expect(result(await sessions.request('s9', 'Probe.whoami', args()))).toEqual({ uid: 'u1', sessionId: 's9', gateId: 'gate-b' });
    expect(result(await sessions.request('s9', 'Echo.echo', args('x')))).toBe('x');
    expect(host.sessionOf('u1')?.sessionId).toBe('s9');
    // The old session's close is a no-op: the avatar now belongs to s9.
    await sessions.close('s1', 'kicked');
    expect(cluster.lobby.world.find('avatar-u1')?.get(Inventory).gold).toBe(90);
  });

  it('refuses malformed session info and a session id bound to another uid with LOBBY_ERR_BAD_ARGS', async () => {
    const { sessions } = await bound();
    expect(await codeOf(sessions.bind({ sessionId: 's1', uid: 'other', gateId: 'gate-a' }, false))).toBe('LOBBY_ERR_BAD_ARGS');
    expect(await codeOf(sessions.bind({ sessionId: '', uid: 'u3', gateId: 'gate-a' }, false))).toBe('LOBBY_ERR_BAD_ARGS');
    expect(await codeOf(sessions.bind({ sessionId: 's3', uid: 'x'.repeat(200), gateId: 'gate-a' }, false))).toBe('LOBBY_ERR_BAD_ARGS');
    expect(await codeOf(sessions.bind({ sessionId: 's3', uid: 'a\u0000b', gateId: 'gate-a' }, false))).toBe('LOBBY_ERR_BAD_ARGS');
  });

  it('answers LOBBY_ERR_STORE when the stored avatar does not fit the type', async () => {
    cluster = await startLobbyCluster();
    await cluster.store.save('Avatar', { id: 'avatar-u4', expectedVersion: 0, data: { type: 'Avatar', components: { Inventory: { gold: 'lots' } } } });
    expect(await codeOf(cluster.sessions('gate-a').bind({ sessionId: 's4', uid: 'u4', gateId: 'gate-a' }, false))).toBe('LOBBY_ERR_STORE');
    expect(cluster.lobby.host.sessionCount).toBe(0);
    expect(cluster.lobby.world.entityCount).toBe(0);
  });
});

describe('SessionHost request', () => {
  it('runs a client-callable component method on the avatar and returns its msgpack result', async () => {
    const { sessions, cluster } = await bound();
    const reply = await sessions.request('s1', 'Echo.echo', args({ n: 1, list: [1, 'two'] }));
    expect(reply).toBeInstanceOf(Uint8Array);
    expect(result(reply)).toEqual({ n: 1, list: [1, 'two'] });
    expect(result(await sessions.request('s1', 'Inventory.buy', args('sword', 30)))).toBeNull();
    expect(cluster.lobby.world.find('avatar-u1')?.get(Inventory)).toMatchObject({ gold: 70, items: ['sword'] });
  });

  it('refuses a method that is not in clientCallable with LOBBY_ERR_NOT_CALLABLE', async () => {
    const { sessions } = await bound();
    expect(await codeOf(sessions.request('s1', 'Probe.secret', args()))).toBe('LOBBY_ERR_NOT_CALLABLE');
    expect(await codeOf(sessions.request('s1', 'Inventory.grant', args(1_000)))).toBe('LOBBY_ERR_NOT_CALLABLE');
    expect(await codeOf(sessions.request('s1', 'Inventory.constructor', args()))).toBe('LOBBY_ERR_NOT_CALLABLE');
  });

  it('refuses an unknown component, service or malformed route with LOBBY_ERR_UNKNOWN_ROUTE', async () => {
    const { sessions } = await bound();
    expect(await codeOf(sessions.request('s1', 'Bank.rob', args()))).toBe('LOBBY_ERR_UNKNOWN_ROUTE');
    expect(await codeOf(sessions.request('s1', 'nodot', args()))).toBe('LOBBY_ERR_UNKNOWN_ROUTE');
    expect(await codeOf(sessions.request('s1', 'a.b.c', args()))).toBe('LOBBY_ERR_UNKNOWN_ROUTE');
    expect(await codeOf(sessions.request('s1', `Echo.${'e'.repeat(200)}`, args()))).toBe('LOBBY_ERR_UNKNOWN_ROUTE');
  });

  it('refuses argument bytes that are not one msgpack array within the limits with LOBBY_ERR_BAD_ARGS', async () => {
    const { sessions } = await bound();
    expect(await codeOf(sessions.request('s1', 'Echo.echo', Uint8Array.of(0xc1)))).toBe('LOBBY_ERR_BAD_ARGS');
    expect(await codeOf(sessions.request('s1', 'Echo.echo', Uint8Array.of(0x92, 0x01)))).toBe('LOBBY_ERR_BAD_ARGS');
    expect(await codeOf(sessions.request('s1', 'Echo.echo', Uint8Array.of(0x2a)))).toBe('LOBBY_ERR_BAD_ARGS');
    expect(await codeOf(sessions.request('s1', 'Echo.echo', args('x'.repeat(40_000))))).toBe('LOBBY_ERR_BAD_ARGS');
    expect(await codeOf(sessions.request('s1', 'Echo.echo', 'not bytes' as unknown as Uint8Array))).toBe('LOBBY_ERR_BAD_ARGS');
  });

  it('answers LOBBY_ERR_UNKNOWN_SESSION for a session that is not bound here', async () => {
    const { sessions } = await bound();
    expect(await codeOf(sessions.request('nobody', 'Echo.echo', args(1)))).toBe('LOBBY_ERR_UNKNOWN_SESSION');
  });

  it('answers anything a game method throws but a GameError with LOBBY_ERR_INTERNAL and a correlation id, logged at error with the stack', async () => {
    const { sessions, cluster } = await bound();
    for (const [route, callArgs] of [
      ['Inventory.buy', args('castle', 1_000)],
      ['Probe.fail', args('boom')],
      ['Probe.leak', args()],
    ] as const) {
      const err = (await rejection(sessions.request('s1', route, callArgs))) as RemoteError;
      expect(err.code).toBe('LOBBY_ERR_INTERNAL');
      const id = internalErrorId(err.remoteMessage);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      // Nothing of the cause travels: not the message, not an engine error's code.
      expect(err.remoteMessage).toBe(`LOBBY_ERR_INTERNAL: internal error: id ${id}`);
      const line = cluster.lobby.logger.at('error').find((l) => l.meta.errorId === id);
      expect(line).toMatchObject({ message: 'lobby: game method failed', meta: { route, sessionId: 's1' } });
      expect((line!.meta.err as Error).stack).toContain(route === 'Probe.leak' ? 'STORE_ERR_BACKEND' : 'Error');
    }
    const ids = cluster.lobby.logger.at('error').map((l) => l.meta.errorId);
    expect(new Set(ids).size).toBe(3);
  });

  it("keeps the code and message of a GameError a game method throws, and logs it with its cause at debug only", async () => {
    const { sessions, cluster } = await bound();
    const err = (await rejection(sessions.request('s1', 'Probe.refuse', args()))) as RemoteError;
    expect(err.code).toBe('GAME_ERR_NO_ENTRY');
    expect(err.remoteMessage).toBe('no entry');
    expect(cluster.lobby.logger.at('error')).toEqual([]);
    const line = cluster.lobby.logger.at('debug').find((l) => l.message === 'lobby: game method refused');
    expect(line?.meta).toMatchObject({ code: 'GAME_ERR_NO_ENTRY', route: 'Probe.refuse' });
    expect((line?.meta.cause as Error | undefined)?.message).toBe('the door list of zone 7 says closed');
  });

  it('answers LOBBY_ERR_BAD_RESULT when a method returns what msgpack cannot carry', async () => {
    const { sessions } = await bound();
    expect(await codeOf(sessions.request('s1', 'Probe.unencodable', args()))).toBe('LOBBY_ERR_BAD_RESULT');
  });

  it('runs the requests of one session one at a time in arrival order, even when the first awaits', async () => {
    const { sessions } = await bound();
    const first = sessions.request('s1', 'Probe.wait', args('first'));
    const second = sessions.request('s1', 'Probe.mark', args('second'));
    await waitFor(() => Probe.holds.has('first'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(Probe.done).toEqual([]);
    Probe.holds.get('first')!();
    expect(result(await second)).toBe('second');
    expect(result(await first)).toBe('first');
    expect(Probe.done).toEqual(['first', 'second']);
  });

  it('refuses a request past the per-session queue cap with LOBBY_ERR_QUEUE_FULL while other sessions go on', async () => {
    const { sessions } = await bound({ maxQueuedPerSession: 2 });
    await sessions.bind({ sessionId: 's2', uid: 'u2', gateId: 'gate-a' }, false);
    const held = sessions.request('s1', 'Probe.wait', args('held'));
    const queued = sessions.request('s1', 'Probe.mark', args('queued'));
    expect(await codeOf(sessions.request('s1', 'Probe.mark', args('refused')))).toBe('LOBBY_ERR_QUEUE_FULL');
    expect(result(await sessions.request('s2', 'Echo.echo', args('other')))).toBe('other');
    await waitFor(() => Probe.holds.has('held'));
    Probe.holds.get('held')!();
    await Promise.all([held, queued]);
    expect(Probe.done).toEqual(['held', 'queued']);
  });

  it('answers a critical change whose save outlasts criticalWaitMs with LOBBY_ERR_STORE, serves the next request, and stores the change later', async () => {
    cluster = await startLobbyCluster();
    const view = new OutageStore(cluster.store);
    const lobby = cluster.startLobby('lobby-2', { store: view });
    const sessions = cluster.sessions('gate-a', 'lobby-2');
    await sessions.bind({ sessionId: 's1', uid: 'u1', gateId: 'gate-a' }, false);
    // The store takes the save and keeps it waiting, as one in an outage waits out its retries.
    const saves = view.hold('Avatar');
    const buy = sessions.request('s1', 'Inventory.buy', args('sword', 30));
    await saves.arrival(1);
    lobby.clock.advance(LOBBY_DEFAULTS.criticalWaitMs);
    expect(await codeOf(buy)).toBe('LOBBY_ERR_STORE');
    expect(result(await sessions.request('s1', 'Echo.echo', args('next')))).toBe('next');
    saves.release();
    await lobby.host.flushDirty();
    await lobby.persistence.idle();
    expect((await cluster.store.load('Avatar', 'avatar-u1'))?.data).toMatchObject({ components: { Inventory: { gold: 70, items: ['sword'] } } });
  });

  it('logs a failed notification once instead of answering it', async () => {
    const { sessions, cluster } = await bound();
    await sessions.notify('s1', 'Probe.fail', args('quietly'));
    await sessions.notify('s1', 'Probe.secret', args());
    await sessions.notify('s1', 'Probe.mark', args('noted'));
    expect(Probe.done).toEqual(['noted']);
    expect(cluster.lobby.logger.at('error').map((l) => l.message)).toEqual(['lobby: game method failed']);
    expect(cluster.lobby.logger.at('warn').map((l) => l.message)).toEqual(['lobby: client notification failed']);
  });
});

describe('SessionHost client services', () => {
  class Account {
    calls: unknown[] = [];
    hello(caller: { sessionId: string; session?: { uid: string } }, name: string): string {
      this.calls.push(caller.sessionId);
      return `hello ${name} from ${caller.session?.uid ?? 'a guest'}`;
    }
    hidden(): void {}
  }

  it('runs service routes with and without a session, passing the caller first', async () => {
    const { sessions, host } = await bound();
    const account = new Account();
    host.serveClient('account', account, ['hello']);
    expect(result(await sessions.request('', 'account.hello', args('ann')))).toBe('hello ann from a guest');
    expect(result(await sessions.request('s1', 'account.hello', args('bob')))).toBe('hello bob from u1');
    expect(account.calls).toEqual(['', 's1']);
    expect(await codeOf(sessions.request('', 'account.hidden', args()))).toBe('LOBBY_ERR_NOT_CALLABLE');
    expect(await codeOf(sessions.request('', 'shop.list', args()))).toBe('LOBBY_ERR_UNKNOWN_ROUTE');
  });

  it('refuses a component route without a session with LOBBY_ERR_NOT_AUTHENTICATED', async () => {
    const { sessions } = await bound();
    expect(await codeOf(sessions.request('', 'Inventory.buy', args('sword', 1)))).toBe('LOBBY_ERR_NOT_AUTHENTICATED');
  });

  it('refuses requests without a session past their cap with LOBBY_ERR_QUEUE_FULL', async () => {
    const { sessions, host } = await bound({ maxUnauthenticatedInFlight: 1 });
    let release: (() => void) | undefined;
    host.serveClient('slow', { wait: () => new Promise<void>((resolve) => (release = resolve)) }, ['wait']);
    const first = sessions.request('', 'slow.wait', args());
    await waitFor(() => release !== undefined);
    expect(await codeOf(sessions.request('', 'slow.wait', args()))).toBe('LOBBY_ERR_QUEUE_FULL');
    release!();
    await first;
  });

  it('refuses bad service registrations and settings at once', async () => {
    const { host, cluster } = await bound();
    expect(() => host.serveClient('Inventory', {}, [])).toThrow(/avatar component/);
    expect(() => host.serveClient('bad name', {}, [])).toThrow(/bad service name/);
    expect(() => host.serveClient('svc', {}, ['missing'])).toThrow(/not a method/);
    const { node, world, registry, persistence, clock, logger } = cluster.lobby;
    const options = { rpc: node, world, registry, persistence, clock, logger };
    expect(() => new SessionHost({ ...options, maxQueuedPerSession: 0 })).toThrow(RangeError);
    expect(() => new SessionHost({ ...options, avatarType: 'Nobody' })).toThrow(/unknown entity type/);
    expect(new LobbyError('LOBBY_ERR_QUEUE_FULL', 'x').wireCode).toBe(6006);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}
