import { afterEach, describe, expect, it } from 'vitest';
import { Inventory } from './fixtures/test-components.js';
import { args, startLobbyCluster, type LobbyCluster } from './fixtures/lobby-cluster.js';
import { GateLink } from './gate-link.js';
import { RemoteSession } from './remote-session.js';

let cluster: LobbyCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

describe('RemoteSession', () => {
  it('carries a push from a component method to the gate holding the session, body encoded once as msgpack', async () => {
    cluster = await startLobbyCluster();
    const sessions = cluster.sessions('gate-b');
    await sessions.bind({ sessionId: 's1', uid: 'u1', gateId: 'gate-b' }, false);
    await sessions.request('s1', 'Inventory.buy', args('sword', 30));
    await cluster.gates['gate-b'].until(1);
    expect(cluster.gates['gate-b'].pushes).toEqual([
      { sessionIds: ['s1'], route: 'inventory.changed', body: { gold: 70, items: ['sword'] }, bytes: expect.any(Uint8Array) },
    ]);
    expect(cluster.gates['gate-a'].pushes).toEqual([]);
  });

  it('gives game code the stand-in of its player while bound, and none after the close', async () => {
    cluster = await startLobbyCluster();
    const sessions = cluster.sessions('gate-a');
    await sessions.bind({ sessionId: 's1', uid: 'u1', gateId: 'gate-a' }, false);
    const avatar = cluster.lobby.world.find('avatar-u1')!;
    const player = avatar.get(Inventory).entity as unknown as { session?: RemoteSession };
    expect(player.session).toMatchObject({ uid: 'u1', sessionId: 's1', gateId: 'gate-a' });
    player.session!.kick('cheating');
    await cluster.gates['gate-a'].until(1);
    expect(cluster.gates['gate-a'].kicks).toEqual([{ sessionId: 's1', reason: 'cheating' }]);
    await sessions.close('s1', 'kicked');
    expect(player.session).toBeUndefined();
  });

  it('reports an unreachable gate as false and a warning, not as an error in the game method', async () => {
    cluster = await startLobbyCluster();
    const link = new GateLink(cluster.lobby.node, cluster.lobby.logger);
    const session = new RemoteSession('u1', 's1', 'gate-gone', link);
    expect(session.push('news', { hello: 1 })).toBe(false);
    expect(session.kick('bye')).toBe(false);
    expect(link.stats()).toEqual({ pushes: 0, kicks: 0, failures: 2 });
    // Logged once for the gate: its next failures are counted until it is reached again.
    expect(cluster.lobby.logger.at('warn').map((l) => l.meta.gateId)).toEqual(['gate-gone']);
  });

  it('throws at once for a body msgpack cannot carry', async () => {
    cluster = await startLobbyCluster();
    const session = new RemoteSession('u1', 's1', 'gate-a', new GateLink(cluster.lobby.node, cluster.lobby.logger));
    expect(() => session.push('news', { f: () => 1 })).toThrow(/CODEC_ERR_UNENCODABLE/);
  });
});
