import { afterEach, describe, expect, it } from 'vitest';
import { RemoteError } from '../engine/rpc/errors.js';
import type { RpcNode } from '../engine/rpc/rpc-node.js';
import type { Store } from '../engine/persist/store.js';
import { Inventory } from './fixtures/test-components.js';
import { args, Probe, rejection, result, startLobbyCluster, type LobbyCluster } from './fixtures/lobby-cluster.js';

let cluster: LobbyCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

type ProbeApi = { Probe: { wait(tag: string): string; mark(tag: string): string } };

// A client bound on lobby-1 through gate-a, and lobby-2's node as another server calling its avatar.
async function avatarWithCallers(options: Parameters<typeof startLobbyCluster>[0] = {}) {
  cluster = await startLobbyCluster(options);
  const sessions = cluster.sessions('gate-a');
  const { avatar } = await sessions.bind({ sessionId: 's1', uid: 'u1', gateId: 'gate-a' }, false);
  const server = cluster.nodes.nodes.find((n) => n.serverId === 'lobby-2')!;
  return { cluster, sessions, server, remote: server.remote<ProbeApi>(avatar) };
}

// Calls on one link arrive in order: once this no-op is answered, what `from` sent before has arrived.
async function arrived(from: RpcNode): Promise<void> {
  await from.call('lobby-1', 'sessions', 'close', ['no-such-session', 'flush the link']);
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

describe('one queue per avatar', () => {
  it('runs a call from another server only after the client request running on the avatar settles', async () => {
    const { sessions, server, remote } = await avatarWithCallers();
    const client = sessions.request('s1', 'Probe.wait', args('client'));
    await waitFor(() => Probe.holds.has('client'));
    const call = remote.Probe.mark('server');
    await arrived(server);
    expect(Probe.done).toEqual([]);
    Probe.holds.get('client')!();
    expect(result(await client)).toBe('client');
    expect(await call).toBe('server');
    expect(Probe.done).toEqual(['client', 'server']);
  });

  it('runs a client request only after the call from another server running on the avatar settles', async () => {
    const { cluster, sessions, remote } = await avatarWithCallers();
    const call = remote.Probe.wait('server');
    await waitFor(() => Probe.holds.has('server'));
    const client = sessions.request('s1', 'Probe.mark', args('client'));
    await arrived(cluster.nodes.nodes.find((n) => n.serverId === 'gate-a')!);
    expect(Probe.done).toEqual([]);
    Probe.holds.get('server')!();
    expect(await call).toBe('server');
    expect(result(await client)).toBe('client');
    expect(Probe.done).toEqual(['server', 'client']);
  });

  it('runs a timer callback of the avatar between requests, never inside one', async () => {
    const { cluster, sessions } = await avatarWithCallers();
    const avatar = cluster.lobby.world.find('avatar-u1')!;
    const client = sessions.request('s1', 'Probe.wait', args('client'));
    await waitFor(() => Probe.holds.has('client'));
    avatar.timers.after(50, () => Probe.done.push('timer'));
    cluster.lobby.clock.advance(50);
    await arrived(cluster.nodes.nodes.find((n) => n.serverId === 'gate-a')!);
    expect(Probe.done).toEqual([]);
    Probe.holds.get('client')!();
    await client;
    await avatar.queue.settle(cluster.lobby.clock, 1_000);
    expect(Probe.done).toEqual(['client', 'timer']);
  });

  it('counts calls from other servers against the session cap: past it the client gets LOBBY_ERR_QUEUE_FULL', async () => {
    const { sessions, server, remote } = await avatarWithCallers({ maxQueuedPerSession: 2 });
    const held = remote.Probe.wait('held');
    const queued = remote.Probe.mark('queued');
    await arrived(server);
    const refused = await rejection(sessions.request('s1', 'Probe.mark', args('refused')));
    expect(refused).toBeInstanceOf(RemoteError);
    expect((refused as RemoteError).code).toBe('LOBBY_ERR_QUEUE_FULL');
    Probe.holds.get('held')!();
    expect(await Promise.all([held, queued])).toEqual(['held', 'queued']);
    expect(Probe.done).toEqual(['held', 'queued']);
  });

  it('holds a call from another server that arrives while a closing session saves the avatar: it runs after, and finds the avatar gone', async () => {
    cluster = await startLobbyCluster();
    let stall: Promise<void> | undefined;
    let saveStarted!: () => void;
    const saving = new Promise<void>((resolve) => (saveStarted = resolve));
    // lobby-2's view of the shared store: its saves wait while `stall` is set.
    const shared = cluster.store;
    const view = new Proxy(shared, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        if (prop !== 'save' && prop !== 'saveBatch') return value.bind(target);
        return async (...a: unknown[]) => {
          if (stall) {
            saveStarted();
            await stall;
          }
          return (value as (...b: unknown[]) => unknown).apply(target, a);
        };
      },
    }) as Store;
    const lobby = cluster.startLobby('lobby-2', { store: view });
    const sessions = cluster.sessions('gate-a', 'lobby-2');
    const { avatar } = await sessions.bind({ sessionId: 's1', uid: 'u1', gateId: 'gate-a' }, false);
    lobby.world.find('avatar-u1')!.get(Inventory).gold = 5;
    let endStall!: () => void;
    stall = new Promise<void>((resolve) => (endStall = resolve));
    const closed = sessions.close('s1', 'client left');
    await saving;
    const caller = cluster.nodes.nodes.find((n) => n.serverId === 'lobby-1')!;
    // Its outcome is taken at once: it may fail before the close below resolves.
    const outcome = rejection(caller.remote<ProbeApi>(avatar).Probe.mark('during the save'));
    // Calls on one link arrive in order: once this is answered, the call above has arrived.
    await caller.call('lobby-2', 'sessions', 'close', ['no-such-session', 'flush the link']);
    expect(Probe.done).toEqual([]);
    endStall();
    await closed;
    expect(await outcome).toMatchObject({ code: 'RPC_ERR_NO_SUCH_ENTITY' });
    expect(Probe.done).toEqual([]);
  });
});
