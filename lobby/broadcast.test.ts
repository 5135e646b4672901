import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { broadcast } from './broadcast.js';
import { args, result, startLobbyCluster, type LobbyCluster } from './fixtures/lobby-cluster.js';
import { GateLink, type GateNotifier } from './gate-link.js';
import { RemoteSession } from './remote-session.js';

let cluster: LobbyCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

/** A link that counts the bodies it encodes, over a notifier that records what it would send. */
class CountingLink extends GateLink {
  encoded = 0;
  readonly sent: { serverId: string; method: string; args: readonly unknown[] }[];
  constructor() {
    const sent: CountingLink['sent'] = [];
    const notifier: GateNotifier = { notify: (serverId, _service, method, a) => void sent.push({ serverId, method, args: a }) };
    super(notifier, new MemoryLogger());
    this.sent = sent;
  }
  override encodeBody(body: unknown): Uint8Array {
    this.encoded++;
    return super.encodeBody(body);
  }
}

describe('broadcast', () => {
  it('encodes the body once and sends one push per gate carrying its recipients', () => {
    const link = new CountingLink();
    const on = (sessionId: string, gateId: string) => new RemoteSession(`u-${sessionId}`, sessionId, gateId, link);
    const sent = broadcast([on('s1', 'gate-a'), on('s2', 'gate-b'), on('s3', 'gate-a'), on('s1', 'gate-a')], 'news', { n: 1 });
    expect(sent).toBe(2);
    expect(link.encoded).toBe(1);
    expect(link.sent.map((s) => [s.serverId, s.method, s.args[0], s.args[1]])).toEqual([
      ['gate-a', 'push', ['s1', 's3'], 'news'],
      ['gate-b', 'push', ['s2'], 'news'],
    ]);
    expect(link.sent[0]!.args[2]).toBe(link.sent[1]!.args[2]);
  });

  it('sends nothing to nobody', () => {
    const link = new CountingLink();
    expect(broadcast([], 'news', { n: 1 })).toBe(0);
    expect(link.encoded).toBe(0);
  });

  it('reaches sessions on two gates through the Chat example with exactly one push per gate', async () => {
    cluster = await startLobbyCluster();
    const viaA = cluster.sessions('gate-a');
    const viaB = cluster.sessions('gate-b');
    await viaA.bind({ sessionId: 'a1', uid: 'ann', gateId: 'gate-a' }, false);
    await viaA.bind({ sessionId: 'a2', uid: 'al', gateId: 'gate-a' }, false);
    await viaB.bind({ sessionId: 'b1', uid: 'bob', gateId: 'gate-b' }, false);
    expect(result(await viaB.request('b1', 'Chat.say', args('hello all')))).toBe(2);
    await cluster.gates['gate-a'].until(1);
    await cluster.gates['gate-b'].until(1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const body = { from: 'bob', text: 'hello all' };
    expect(cluster.gates['gate-a'].pushes.map(({ sessionIds, route, body }) => ({ sessionIds: sessionIds.sort(), route, body }))).toEqual([
      { sessionIds: ['a1', 'a2'], route: 'chat.message', body },
    ]);
    expect(cluster.gates['gate-b'].pushes.map(({ sessionIds, route, body }) => ({ sessionIds, route, body }))).toEqual([{ sessionIds: ['b1'], route: 'chat.message', body }]);
  });
});
