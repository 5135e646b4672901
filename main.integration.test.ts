import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { TEST_CLUSTER_SECRET } from './engine/testing/cluster-secret.js';

function startMain(args: string[], env: Record<string, string> = { RPC_SECRET: TEST_CLUSTER_SECRET }): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--conditions=tessera-source', '--import', 'tsx', 'main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(check: () => RegExpMatchArray | null, exited: Promise<unknown>): Promise<RegExpMatchArray> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let i = 0; i < 300 && !gone; i++) {
    const m = check();
    if (m) return m;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the process never printed what was expected');
}

describe('main.ts (the process npm start runs)', () => {
  let dir: string;
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('starts standalone, answers /health, and stops cleanly on SIGTERM', async () => {
    dir = await mkdtemp(join(tmpdir(), 'main-'));
    const main = startMain([
      '--role', 'standalone', '--http.port', '0', '--store.lmdb.path', join(dir, 'lmdb'), '--log.console.colors', 'false',
      '--gate.tcpPort', '0', '--gate.wsPort', '0', '--gate.kcpPort', '0', '--gate.identityKeyPath', join(dir, 'gate.key'),
    ]);
    const [, url] = await waitFor(() => main.output().match(/ready .*"http":"(http:\/\/[^"]+)"/), main.exited);
    const res = await fetch(url!);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', role: 'standalone', state: 'ready' });
    // Membership in memory: the process registers itself under a readable id and is ready.
    const ready = await fetch(url!.replace(/health$/, 'ready'));
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { store: true, cluster: true }, serverId: expect.stringMatching(/^standalone-.+-0$/) });
    main.child.kill('SIGTERM');
    expect(await main.exited).toBe(0);
    expect(main.output()).toMatch(/stopping \{"reason":"SIGTERM"\}/);
  });

  it('runs two lobbies that register in etcd under readable ids and stop cleanly', async () => {
    const prefix = `/main-test-${process.pid}/`;
    const args = [
      '--role', 'lobby', '--http.port', '0', '--log.file.enabled', 'false', '--log.console.colors', 'false',
      '--etcd.hosts', inject('etcdUrl'), '--etcd.prefix', prefix, '--store.mongodb.url', inject('mongoUrl'), '--store.mongodb.database', 'main_test',
      '--redis.url', inject('redisUrl'), '--redis.prefix', `main_test_${process.pid}:`,
    ];
    const lobbies = [startMain(args), startMain(args)];
    try {
      const ids: string[] = [];
      for (const lobby of lobbies) {
        const [, url] = await waitFor(() => lobby.output().match(/ready .*"http":"(http:\/\/[^"]+)"/), lobby.exited);
        const body = (await (await fetch(url!.replace(/health$/, 'ready'))).json()) as { serverId: string; checks: Record<string, boolean> };
        expect(body.checks).toEqual({ store: true, cluster: true });
        ids.push(body.serverId);
      }
      const host = hostname().replace(/[^A-Za-z0-9-]/g, '-');
      expect(ids.sort()).toEqual([`lobby-${host}-0`, `lobby-${host}-1`]);
    } finally {
      for (const lobby of lobbies) lobby.child.kill('SIGTERM');
    }
    for (const lobby of lobbies) expect(await lobby.exited).toBe(0);
  });

  it('refuses to start a cluster role without the cluster secret, with exit code 2 and a message naming it', async () => {
    const main = startMain(['--role', 'lobby', '--log.file.enabled', 'false'], {});
    expect(await main.exited).toBe(2);
    expect(main.output()).toMatch(/RPC_SECRET is not set/);
    expect(main.output()).toMatch(/rpc\.secret: required for role lobby/);
  });

  it('refuses a bad setting with exit code 2 and a message naming where it came from', async () => {
    const main = startMain(['--role', 'standalone', '--log.level', 'loud']);
    expect(await main.exited).toBe(2);
    expect(main.output()).toMatch(/flag --log\.level: .*"loud"/);
  });
});
