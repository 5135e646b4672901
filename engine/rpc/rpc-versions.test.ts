import { afterEach, describe, expect, it } from 'vitest';
import { startTestNodes, type TestNodes } from './fixtures/test-nodes.js';
import { formatRange, highestCommonVersion, isVersionRange, parseRange, RPC_CONTRACT_RANGE, type VersionRange } from './rpc-versions.js';

describe('RPC contract version ranges', () => {
  it('pick the highest version both ranges hold, and none when they do not meet', () => {
    expect(highestCommonVersion([1, 3], [2, 5])).toBe(3);
    expect(highestCommonVersion([2, 5], [1, 3])).toBe(3);
    expect(highestCommonVersion([1, 1], [1, 4])).toBe(1);
    expect(highestCommonVersion([1, 2], [3, 4])).toBeUndefined();
  });

  it('read and write the "min-max" form of registrations, refusing anything else', () => {
    expect(formatRange([2, 7])).toBe('2-7');
    expect(parseRange('2-7')).toEqual([2, 7]);
    expect(parseRange(formatRange(RPC_CONTRACT_RANGE))).toEqual(RPC_CONTRACT_RANGE);
    for (const bad of [undefined, '', '3', '3-2', '0-1', '1-x', ' 1-2', '1-2-3']) expect(parseRange(bad)).toBeUndefined();
    expect(isVersionRange([1, 2])).toBe(true);
    expect(isVersionRange([1.5, 2])).toBe(false);
    expect(isVersionRange([1])).toBe(false);
  });
});

describe('RPC links between servers of different contract ranges', () => {
  let group: TestNodes | undefined;
  afterEach(async () => {
    await group?.stop();
    group = undefined;
  });

  /** Nodes `a` (the dialer) and `b`, with their ranges; `b` publishes its range unless `bStatesNone`. */
  async function pair(a: VersionRange, b: VersionRange, bStatesNone = false) {
    const ranges: Record<string, VersionRange> = { a, b };
    group = await startTestNodes(['a', 'b'], {}, (id) => ({ contractRange: ranges[id]!, peerContractRange: (peer) => (peer === 'b' && bStatesNone ? undefined : ranges[peer]) }));
    const [nodeA, nodeB] = group.nodes as [NonNullable<TestNodes['nodes'][0]>, NonNullable<TestNodes['nodes'][0]>];
    nodeB.serve('echo', { echo: (value: unknown) => value }, ['echo']);
    return { a: nodeA, b: nodeB, logger: group.logger };
  }

  it('speak the highest version both sides speak, on both sides of the link', async () => {
    const { a, b } = await pair([1, 3], [2, 4]);
    expect(await a.call('b', 'echo', 'echo', ['hi'])).toBe('hi');
    expect([a.contractWith('b'), b.contractWith('a')]).toEqual([3, 3]);
  });

  it('are refused with RPC_ERR_VERSION, logged by the acceptor, when the ranges do not meet', async () => {
    const { a, logger } = await pair([1, 1], [2, 3]);
    const err = await a.call('b', 'echo', 'echo', ['hi']).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RPC_ERR_PEER_UNREACHABLE', message: expect.stringContaining('RPC_ERR_VERSION') });
    expect((err as Error).cause).toMatchObject({ code: 'RPC_ERR_VERSION' });
    expect(logger.lines.find((l) => l.message === 'rpc: refusing a handshake: no RPC contract version in common')?.meta).toEqual(expect.objectContaining({ peerRange: '1-1', ownRange: '2-3' }));
  });

  it('take a peer that states no range as one that speaks version 1, and send it the HELLO without a range', async () => {
    const { a, b } = await pair([1, 2], [1, 2], true);
    expect(await a.call('b', 'echo', 'echo', ['old'])).toBe('old');
    expect([a.contractWith('b'), b.contractWith('a')]).toEqual([1, 1]);
  });

  it('refuse a peer that states no range when this side no longer speaks version 1', async () => {
    const { a } = await pair([2, 3], [1, 3], true);
    await expect(a.call('b', 'echo', 'echo', ['old'])).rejects.toMatchObject({ code: 'RPC_ERR_PEER_UNREACHABLE', cause: expect.objectContaining({ code: 'RPC_ERR_VERSION' }) });
  });

  it('are refused by an acceptor that no longer speaks version 1 when the HELLO states no range', async () => {
    const { a } = await pair([1, 3], [2, 3], true);
    await expect(a.call('b', 'echo', 'echo', ['old'])).rejects.toMatchObject({ code: 'RPC_ERR_PEER_UNREACHABLE', message: expect.stringContaining('RPC_ERR_VERSION') });
  });
});
