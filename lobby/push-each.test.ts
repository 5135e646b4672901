import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { startLobbyCluster, type LobbyCluster } from './fixtures/lobby-cluster.js';
import { GateLink, type GateNotifier } from './gate-link.js';
import { pushEach } from './push-each.js';
import { RemoteSession } from './remote-session.js';

let cluster: LobbyCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

const bytes = (...values: number[]) => new Uint8Array(values);

describe('pushEach', () => {
  it('sends one pushEach per gate carrying its sessions and each one its own body, in the order given', () => {
    const sent: { serverId: string; method: string; args: readonly unknown[] }[] = [];
    const notifier: GateNotifier = { notify: (serverId, _service, method, args) => void sent.push({ serverId, method, args }) };
    const link = new GateLink(notifier, new MemoryLogger());
    const on = (sessionId: string, gateId: string) => new RemoteSession(`u-${sessionId}`, sessionId, gateId, link);
    const gates = pushEach('sys.sync', [
      [on('s1', 'gate-a'), bytes(1)],
      [on('s2', 'gate-b'), bytes(2)],
      [on('s3', 'gate-a'), bytes(3)],
    ]);
    expect(gates).toBe(2);
    expect(sent).toEqual([
      { serverId: 'gate-a', method: 'pushEach', args: ['sys.sync', ['s1', 's3'], [bytes(1), bytes(3)]] },
      { serverId: 'gate-b', method: 'pushEach', args: ['sys.sync', ['s2'], [bytes(2)]] },
    ]);
    expect(link.stats().pushes).toBe(2);
  });

  it('sends nothing to nobody, and counts a gate it cannot reach as a failure', () => {
    const logger = new MemoryLogger();
    const link = new GateLink({ notify: () => { throw new Error('no route to gate-z'); } }, logger);
    expect(pushEach('sys.sync', [])).toBe(0);
    expect(pushEach('sys.sync', [[new RemoteSession('u1', 's1', 'gate-z', link), bytes(9)]])).toBe(0);
    expect(link.stats()).toMatchObject({ pushes: 0, failures: 1 });
    expect(logger.at('warn').map((l) => l.message)).toEqual(['lobby: gate pushEach not sent; further failures to this gate are logged once it is reached again']);
  });

  it("logs a gate's failures once, and how many there were once it is reached again", () => {
    const logger = new MemoryLogger();
    let down = true;
    const link = new GateLink({ notify: () => { if (down) throw new Error('no route to gate-z'); } }, logger);
    const session = new RemoteSession('u1', 's1', 'gate-z', link);
    // A sync stage pushing on every tick while the gate cannot be reached.
    for (let tick = 0; tick < 20; tick++) pushEach('sys.sync', [[session, bytes(tick)]]);
    expect(logger.at('warn')).toHaveLength(1);
    expect(link.stats()).toMatchObject({ pushes: 0, failures: 20 });
    down = false;
    expect(pushEach('sys.sync', [[session, bytes(1)]])).toBe(1);
    expect(logger.at('info').map((l) => [l.message, l.meta])).toEqual([['lobby: gate reached again', { gateId: 'gate-z', failedSends: 20 }]]);
    down = true;
    pushEach('sys.sync', [[session, bytes(2)]]);
    expect(logger.at('warn')).toHaveLength(2);
  });

  it("reaches the sessions of a lobby on two gates, each gate's in one call", async () => {
    cluster = await startLobbyCluster();
    await cluster.sessions('gate-a').bind({ sessionId: 'a1', uid: 'ann', gateId: 'gate-a' }, false);
    await cluster.sessions('gate-a').bind({ sessionId: 'a2', uid: 'al', gateId: 'gate-a' }, false);
    await cluster.sessions('gate-b').bind({ sessionId: 'b1', uid: 'bob', gateId: 'gate-b' }, false);
    const host = cluster.lobby.host;
    pushEach('sys.sync', [
      [host.sessionOf('ann')!, bytes(1, 1)],
      [host.sessionOf('bob')!, bytes(2)],
      [host.sessionOf('al')!, bytes(3, 3, 3)],
    ]);
    const seen = (gateId: 'gate-a' | 'gate-b') => cluster!.gates[gateId].eachPushes.map(({ route, sessionIds, bodies }) => ({ route, sessionIds, bodies: bodies.map((b) => [...b]) }));
    await expect.poll(() => [seen('gate-a'), seen('gate-b')]).toEqual([
      [{ route: 'sys.sync', sessionIds: ['a1', 'a2'], bodies: [[1, 1], [3, 3, 3]] }],
      [{ route: 'sys.sync', sessionIds: ['b1'], bodies: [[2]] }],
    ]);
  });
});
