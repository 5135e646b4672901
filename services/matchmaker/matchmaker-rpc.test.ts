import { afterEach, describe, expect, it } from 'vitest';
import { MATCHMAKER_SERVICE } from '../../engine/matchmaking/matchmaker-contract.js';
import { startTestNodes, type TestNodes } from '../../engine/rpc/fixtures/test-nodes.js';
import { testMatchmaker } from './fixtures/matchmaker-kit.js';
import { MemoryTicketStore } from './ticket-store.js';

let nodes: TestNodes | undefined;
afterEach(async () => {
  await nodes?.stop();
  nodes = undefined;
});

describe('the matchmaker RPC service', () => {
  it('serves enqueue, status and cancel to other servers, and its refusals reach them with their codes', async () => {
    nodes = await startTestNodes(['services-1', 'lobby-1']);
    const [server, lobby] = nodes.nodes as [(typeof nodes.nodes)[0], (typeof nodes.nodes)[0]];
    const { matchmaker, clock } = testMatchmaker(new MemoryTicketStore(), { rpc: server });
    await matchmaker.start();
    const call = (method: string, ...args: unknown[]) => lobby.call('services-1', MATCHMAKER_SERVICE, method, args);
    expect(await call('enqueue', { uid: 'a', mode: '2v2', party: ['b'], rating: 1500 })).toEqual({ owner: 'a', mode: '2v2', party: ['a', 'b'], rating: 1500, since: clock.now(), state: 'waiting' });
    expect(await call('status', 'b')).toMatchObject({ owner: 'a', state: 'waiting' });
    await expect(call('enqueue', { uid: 'b', mode: '2v2', rating: 1 })).rejects.toMatchObject({ name: 'RemoteError', code: 'MATCH_ERR_ALREADY_QUEUED' });
    await expect(call('enqueue', { uid: 'c', mode: 'chess', rating: 1 })).rejects.toMatchObject({ code: 'MATCH_ERR_UNKNOWN_MODE' });
    expect(await call('cancel', 'a')).toBe(true);
    expect(await call('status', 'a')).toBeNull();
    await matchmaker.stop();
    await expect(call('status', 'a')).rejects.toMatchObject({ code: 'RPC_ERR_NO_SUCH_SERVICE' });
  });
});
