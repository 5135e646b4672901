/**
 * A cluster of real server processes on the harness's etcd: discovery, calls across processes,
 * and what happens when a process dies, a peer sends garbage, or etcd restarts.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startEtcd } from '../testing/test-servers.js';
import { parseAddress } from './address.js';
import { startClusterProcess, type Answer, type ClusterProcess } from './fixtures/cluster-process.js';

const running: ClusterProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.kill()));
});

let prefixCount = 0;
const freshPrefix = (): string => `/rpc-test-${process.pid}-${++prefixCount}/`;

async function cluster(etcdUrl: string, types: string[]): Promise<ClusterProcess[]> {
  const prefix = freshPrefix();
  const servers = await Promise.all(types.map((type) => startClusterProcess(etcdUrl, prefix, type)));
  running.push(...servers);
  return servers;
}

/** Polls `probe` until it returns true or `timeoutMs` passes. */
async function until(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const value = (answer: Answer): unknown => (answer.ok ? answer.value : answer.error);
const serversOf = async (server: ClusterProcess): Promise<string[]> => value(await server.ask({ op: 'servers' })) as string[];

describe('a cluster of server processes', () => {
  const etcdUrl = inject('etcdUrl');

  it('discovers two and three processes with readable ids', async () => {
    const [a, b, c] = await cluster(etcdUrl, ['lobby', 'lobby', 'gate']);
    const ids = [a!.serverId, b!.serverId, c!.serverId].sort();
    expect(ids).toEqual(['gate-test-0', 'lobby-test-0', 'lobby-test-1']);
    for (const server of [a!, b!, c!]) await until(async () => (await serversOf(server)).join() === ids.join(), 10_000, `${server.serverId} sees all`);
  });

  it('calls across processes: result, notify, remote exception, deadline, entity by name', async () => {
    const [a, b] = await cluster(etcdUrl, ['lobby', 'gate']);
    const target = b!.serverId;
    await until(async () => (await serversOf(a!)).includes(target), 10_000, 'a sees b');
    expect(await a!.ask({ op: 'call', target, service: 'test', method: 'add', args: [2, 3] })).toEqual({ ok: true, value: 5 });
    expect(await a!.ask({ op: 'call', target, service: 'test', method: 'whoami' })).toEqual({ ok: true, value: target });
    await a!.ask({ op: 'notify', target, service: 'test', method: 'record', args: ['hello'] });
    await until(async () => (value(await b!.ask({ op: 'recorded' })) as unknown[]).length === 1, 5_000, 'the notification arrives');
    expect(await a!.ask({ op: 'call', target, service: 'test', method: 'fail' })).toEqual({
      ok: false,
      error: { name: 'RemoteError', code: 'SHOP_ERR_OUT_OF_STOCK', message: `SHOP_ERR_OUT_OF_STOCK from ${target}: out of stock` },
    });
    expect(value(await a!.ask({ op: 'call', target, service: 'test', method: 'sleep', args: [2_000], timeoutMs: 200 }))).toMatchObject({
      code: 'RPC_ERR_DEADLINE_EXCEEDED',
    });
    expect(await a!.ask({ op: 'callNamed', target: 'bank-gate', service: 'Vault', method: 'deposit', args: [10] })).toEqual({ ok: true, value: 10 });
    expect(await b!.ask({ op: 'callNamed', target: 'bank-gate', service: 'Vault', method: 'balance' })).toEqual({ ok: true, value: 10 });
  });

  it('fails a call at once with RPC_ERR_LINK_LOST when the callee dies mid-call, long before the deadline', async () => {
    const [a, b] = await cluster(etcdUrl, ['lobby', 'lobby']);
    await until(async () => (await serversOf(a!)).includes(b!.serverId), 10_000, 'a sees b');
    const answer = await a!.ask({ op: 'call', target: b!.serverId, service: 'test', method: 'die', timeoutMs: 60_000 });
    expect(value(answer)).toMatchObject({ name: 'RpcError', code: 'RPC_ERR_LINK_LOST' });
    // Until its lease runs out the dead server is still listed: calls fail fast as unreachable.
    const again = value(await a!.ask({ op: 'call', target: b!.serverId, service: 'test', method: 'echo', args: [1], timeoutMs: 60_000 }));
    expect(['RPC_ERR_PEER_UNREACHABLE', 'RPC_ERR_UNKNOWN_SERVER']).toContain((again as { code: string }).code);
  });

  it('drops a killed process from every view within the lease TTL', async () => {
    const [a, b, c] = await cluster(etcdUrl, ['lobby', 'lobby', 'lobby']);
    await until(async () => (await serversOf(a!)).length === 3 && (await serversOf(b!)).length === 3, 10_000, 'all see all');
    await c!.kill();
    running.splice(running.indexOf(c!), 1);
    // TTL 2 s; etcd expires leases on its own schedule, so allow a few TTLs.
    await until(async () => !(await serversOf(a!)).includes(c!.serverId) && !(await serversOf(b!)).includes(c!.serverId), 8_000, 'the dead one is gone');
  });

  it('closes only the link that sends garbage or an oversize frame; the server keeps serving', async () => {
    const [a, b] = await cluster(etcdUrl, ['lobby', 'lobby']);
    await until(async () => (await serversOf(a!)).includes(b!.serverId), 10_000, 'a sees b');
    for (const bytes of [Buffer.from('not msgpack at all, just text\n'), Buffer.from('7fffffff00', 'hex')]) {
      const socket = connect(parseAddress(b!.address));
      socket.on('error', () => {});
      socket.resume(); // read the GOAWAY and the end of the stream
      socket.write(bytes);
      await new Promise((resolve) => socket.on('close', resolve));
      expect(await a!.ask({ op: 'call', target: b!.serverId, service: 'test', method: 'echo', args: ['still here'] })).toEqual({ ok: true, value: 'still here' });
    }
  });
});

describe('a cluster whose etcd restarts', () => {
  it('registers every server again with the same id, and calls resume', async () => {
    const etcd = await startEtcd();
    try {
      const prefix = freshPrefix();
      const servers = await Promise.all(['lobby', 'gate'].map((type) => startClusterProcess(etcd.url, prefix, type)));
      running.push(...servers);
      const [a, b] = servers as [ClusterProcess, ClusterProcess];
      await until(async () => (await serversOf(a)).length === 2, 10_000, 'a sees b');
      await etcd.restart({ wipeData: true });
      for (const server of servers) await until(async () => server.events.includes('self-registered'), 20_000, `${server.serverId} registers again`);
      expect(a.events[0]).toBe('self-lost');
      await until(async () => (await serversOf(a)).join() === [a.serverId, b.serverId].sort().join(), 10_000, 'a sees both again');
      expect(await a.ask({ op: 'call', target: b.serverId, service: 'test', method: 'add', args: [20, 22] })).toEqual({ ok: true, value: 42 });
      const late = await startClusterProcess(etcd.url, prefix, 'lobby');
      running.push(late);
      await until(async () => (await serversOf(b)).includes(late.serverId), 10_000, 'a server started after the restart is seen');
      expect(await late.ask({ op: 'call', target: a.serverId, service: 'test', method: 'whoami' })).toEqual({ ok: true, value: a.serverId });
    } finally {
      await Promise.all(running.splice(0).map((server) => server.kill()));
      await etcd.stop();
    }
  }, 60_000);
});
