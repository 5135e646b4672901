import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

function startMain(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    const main = startMain(['--role', 'standalone', '--http.port', '0', '--store.lmdb.path', join(dir, 'lmdb'), '--log.console.colors', 'false']);
    const [, url] = await waitFor(() => main.output().match(/ready .*"http":"(http:\/\/[^"]+)"/), main.exited);
    const res = await fetch(url!);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', role: 'standalone', state: 'ready' });
    main.child.kill('SIGTERM');
    expect(await main.exited).toBe(0);
    expect(main.output()).toMatch(/stopping \{"reason":"SIGTERM"\}/);
  });

  it('refuses a bad setting with exit code 2 and a message naming where it came from', async () => {
    const main = startMain(['--role', 'standalone', '--log.level', 'loud']);
    expect(await main.exited).toBe(2);
    expect(main.output()).toMatch(/flag --log\.level: .*"loud"/);
  });
});
