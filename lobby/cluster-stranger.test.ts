import { afterEach, describe, expect, it } from 'vitest';
import { encode } from '../engine/codec/msgpack-codec.js';
import { KIND } from '../engine/rpc/envelope.js';
import { frame, rawPeer, type RawPeer } from '../engine/rpc/fixtures/raw-peer.js';
import { testClusterSecret } from '../engine/testing/cluster-secret.js';
import { Inventory } from './fixtures/test-components.js';
import { args, startLobbyCluster, type LobbyCluster } from './fixtures/lobby-cluster.js';

let cluster: LobbyCluster | undefined;
const strangers: RawPeer[] = [];
afterEach(async () => {
  for (const stranger of strangers.splice(0)) stranger.socket.destroy();
  await cluster?.stop();
  cluster = undefined;
});

/**
 * A stranger on the cluster network: says HELLO to `address` as `id`, proved with `secret`, sends
 * `calls` at once (not waiting for a WELCOME), and waits until it is cut off.
 */
async function stranger(address: string, id: string, acceptorId: string, secret: Uint8Array, calls: unknown[][]): Promise<RawPeer> {
  const peer = rawPeer(address);
  strangers.push(peer);
  await peer.hello(id, acceptorId, secret);
  peer.socket.write(Buffer.concat(calls.map(frame)));
  await peer.closed;
  return peer;
}

const call = (id: number, service: string, method: string, callArgs: unknown[]): unknown[] => [KIND.CALL, id, 5_000, null, null, service, method, callArgs];
const GOAWAY_NOT_PROVED = [KIND.GOAWAY, 2012, expect.stringContaining('not proved to belong to this cluster')];

describe('a stranger on the cluster network', () => {
  it('cannot spend, grant, bind or read as a gate it claims to be, without the cluster secret', async () => {
    cluster = await startLobbyCluster();
    const sessions = cluster.sessions('gate-a');
    await sessions.bind({ sessionId: 's1', uid: 'u1', gateId: 'gate-a' }, false);
    const lobby = cluster.nodes.nodes.find((node) => node.serverId === 'lobby-1')!;
    const avatar = cluster.lobby.world.find('avatar-u1')!;
    const gold = avatar.get(Inventory).gold;

    const evil = await stranger(lobby.address, 'gate-evil-0', 'lobby-1', Buffer.alloc(32, 0xee), [
      call(1, 'sessions', 'request', ['s1', 'Inventory.buy', encode(['sword', 30])]),
      call(2, 'sessions', 'bind', [{ sessionId: 'evil', uid: 'u1', gateId: 'gate-evil-0' }, false]),
      [KIND.NOTIFY, null, avatar.id, 'Inventory', 'grant', [1_000_000]],
    ]);
    expect(evil.received.slice(1)).toEqual([GOAWAY_NOT_PROVED]);
    // Claiming a real gate's id fares no better.
    const impostor = await stranger(lobby.address, 'gate-a', 'lobby-1', Buffer.alloc(32, 0xee), [call(1, 'sessions', 'request', ['s1', 'Inventory.buy', encode(['sword', 30])])]);
    expect(impostor.received.slice(1)).toEqual([GOAWAY_NOT_PROVED]);

    expect(avatar.get(Inventory).gold).toBe(gold);
    expect(cluster.gates['gate-a'].pushes).toEqual([]);
    // The real gate's link and session are untouched.
    await sessions.request('s1', 'Inventory.buy', args('shield', 10));
    expect(avatar.get(Inventory).gold).toBe(gold - 10);
  });

  it('cannot push to, kick or store session data for players through a gate, without the cluster secret', async () => {
    cluster = await startLobbyCluster();
    const gate = cluster.nodes.nodes.find((node) => node.serverId === 'gate-a')!;
    const evil = await stranger(gate.address, 'lobby-1', 'gate-a', Buffer.alloc(32, 0xee), [
      call(1, 'gate', 'push', [['s1'], 'admin.message', encode({ text: 'send me your password' })]),
      call(2, 'gate', 'kick', ['s1', 'banned']),
      call(3, 'gate', 'setData', ['s1', 'role', encode('admin')]),
    ]);
    expect(evil.received.slice(1)).toEqual([GOAWAY_NOT_PROVED]);
    expect(cluster.gates['gate-a']).toMatchObject({ pushes: [], kicks: [] });
    expect(cluster.gates['gate-a'].data.size).toBe(0);
    // The lobby's own push still arrives.
    await cluster.sessions('gate-a').bind({ sessionId: 's1', uid: 'u1', gateId: 'gate-a' }, false);
    await cluster.sessions('gate-a').request('s1', 'Inventory.buy', args('sword', 30));
    await cluster.gates['gate-a'].until(1);
    expect(cluster.gates['gate-a'].pushes).toHaveLength(1);
  });

  it('cannot act as a gate even with the cluster secret, from an address discovery does not give that gate', async () => {
    cluster = await startLobbyCluster();
    const lobby = cluster.nodes.nodes.find((node) => node.serverId === 'lobby-1')!;
    cluster.nodes.addresses.set('gate-evil-0', '192.0.2.66:7000');
    // It waits for a WELCOME before calling, as a server does; none comes.
    const insider = await stranger(lobby.address, 'gate-evil-0', 'lobby-1', testClusterSecret(), []);
    expect(insider.received.slice(1)).toEqual([GOAWAY_NOT_PROVED]);
    expect(cluster.lobby.world.find('avatar-u1')).toBeUndefined();
  });
});
