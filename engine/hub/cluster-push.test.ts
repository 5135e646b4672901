import { describe, expect, it } from 'vitest';
import { decode } from '../codec/msgpack-codec.js';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ClusterPush } from './cluster-push.js';
import { RecordingRpc } from './fixtures/recording-rpc.js';
import { MemoryOnlineIndex } from './online-index.js';

async function setUp(online: Record<string, [gateId: string, sessionId: string]>): Promise<{ push: ClusterPush; rpc: RecordingRpc; logger: MemoryLogger }> {
  const index = new MemoryOnlineIndex();
  for (const [uid, [gateId, sessionId]] of Object.entries(online)) await index.claim(uid, { gateId, sessionId });
  const rpc = new RecordingRpc();
  const logger = new MemoryLogger();
  return { push: new ClusterPush({ online: index, rpc, logger, maxUids: 100 }), rpc, logger };
}

describe('ClusterPush', () => {
  it('sends one push per gate, with that gate\'s sessions and the body encoded once', async () => {
    const { push, rpc } = await setUp({ a: ['gate-1', 's-a'], b: ['gate-2', 's-b'], c: ['gate-1', 's-c'] });
    const result = await push.push(['a', 'b', 'c'], 'chat.message', { text: 'hi' });
    expect(result).toEqual({ gates: 2, offline: [], unreached: [] });
    expect(rpc.sent.map((s) => [s.gateId, s.service, s.method, s.args[0], s.args[1]])).toEqual([
      ['gate-1', 'gate', 'push', ['s-a', 's-c'], 'chat.message'],
      ['gate-2', 'gate', 'push', ['s-b'], 'chat.message'],
    ]);
    // The same bytes for every gate: encoded once.
    expect(rpc.sent[0]!.args[2]).toBe(rpc.sent[1]!.args[2]);
    expect(decode(rpc.sent[0]!.args[2] as Uint8Array)).toEqual({ text: 'hi' });
    expect(push.stats()).toEqual({ pushes: 1, gateCalls: 2, failures: 0 });
  });

  it('reports the accounts not logged in, without an error, and pushes to the others', async () => {
    const { push, rpc } = await setUp({ a: ['gate-1', 's-a'] });
    expect(await push.push(['ghost', 'a', 'nobody'], 'r', 1)).toEqual({ gates: 1, offline: ['ghost', 'nobody'], unreached: [] });
    expect(await push.push(['ghost'], 'r', 1)).toEqual({ gates: 0, offline: ['ghost'], unreached: [] });
    expect(rpc.sent).toHaveLength(1);
  });

  it('pushes once to an account listed twice', async () => {
    const { push, rpc } = await setUp({ a: ['gate-1', 's-a'] });
    await push.push(['a', 'a'], 'r', 1);
    expect(rpc.sent.map((s) => s.args[0])).toEqual([['s-a']]);
  });

  it('reports the accounts of a gate it cannot reach as unreached, logs it, and still serves the other gates', async () => {
    const { push, rpc, logger } = await setUp({ a: ['gate-1', 's-a'], b: ['gate-2', 's-b'] });
    rpc.down.add('gate-1');
    expect(await push.push(['a', 'b'], 'r', 1)).toEqual({ gates: 1, offline: [], unreached: ['a'] });
    expect(logger.at('warn').map((l) => l.message)).toEqual(['hub: push not sent to a gate']);
    expect(push.stats().failures).toBe(1);
  });

  it('refuses more accounts than its cap before looking anyone up', async () => {
    const { push, rpc } = await setUp({});
    const uids = Array.from({ length: 101 }, (_, i) => `u${i}`);
    await expect(push.push(uids, 'r', 1)).rejects.toMatchObject({ code: 'HUB_ERR_PUSH_TOO_MANY' });
    await expect(push.pushEncoded(uids, 'r', new Uint8Array([1]))).rejects.toMatchObject({ code: 'HUB_ERR_PUSH_TOO_MANY' });
    expect(push.stats().pushes).toBe(0);
    expect(rpc.sent).toEqual([]);
  });

  it('refuses a cap that is not a positive integer', () => {
    expect(() => new ClusterPush({ online: new MemoryOnlineIndex(), rpc: new RecordingRpc(), logger: new MemoryLogger(), maxUids: 0 })).toThrow(RangeError);
  });
});
