/**
 * `npm run repl` against a real standalone process, its lines piped in (not a terminal): requests,
 * a line that is not JSON, a push, the route list, a resume, a change of transport, and `.quit`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startMain, type MainProcess } from '../engine/testing/main-process.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

let dir: string | undefined;
let server: MainProcess | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Runs client-sim/repl.ts with `args`, `input` piped to it; resolves with its exit code and output. */
function runRepl(args: string[], input: string, home: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--conditions=tessera-source', '--import', 'tsx', 'client-sim/repl.ts', ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, HOME: home },
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  child.stdin.end(input);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

describe('npm run repl', () => {
  it('sends what is typed, refuses bad JSON, shows pushes and routes, resumes, changes transport and quits cleanly', async () => {
    dir = await mkdtemp(join(tmpdir(), 'repl-'));
    server = await startMain([
      '--role', 'standalone', '--game', 'examples/inventory', '--http.port', '0', '--rpc.port', '0',
      '--gate.tcpPort', '0', '--gate.wsPort', '0', '--gate.kcpPort', '-1',
      '--gate.identityKeyPath', join(dir, 'gate.key'), '--store.lmdb.path', join(dir, 'lmdb'), '--login.scrypt.N', '1024',
    ]);
    const lines = [
      'Echo.echo "hello"',
      'Inventory.buy wooden sword',
      'Inventory.buy "wooden sword" 10',
      '.routes',
      'Bank.rob',
      '.reconnect',
      '.transport ws',
      'Echo.echo "again"',
      '.quit',
      'Echo.echo "never sent"',
    ];
    const { code, output } = await runRepl(['--login', server.ready.login!], `${lines.join('\n')}\n`, dir);
    expect(output).toMatch(/connected to gate \S+ at \S+ \(tcp\); session \S+ for uid \S+/);
    expect(output).toMatch(/< Echo\.echo "hello"/);
    expect(output).toMatch(/error: argument 1 is not JSON: wooden .*nothing was sent/);
    expect(output).toMatch(/push inventory\.changed \{"gold":90,"items":\["wooden sword"\]\}/);
    expect(output).toMatch(/< Inventory\.buy /);
    expect(output).toMatch(/^Echo\.echo$/m);
    expect(output).toMatch(/^Inventory\.buy$/m);
    expect(output).toMatch(/error LOBBY_ERR_UNKNOWN_ROUTE \(\d+\)/);
    expect(output).toMatch(/resumed session \S+ over tcp/);
    expect(output).toMatch(/connected to gate \S+ at ws:\/\/\S+ \(ws\)/);
    expect(output).toMatch(/< Echo\.echo "again"/);
    expect(output).not.toMatch(/never sent/);
    expect(output).not.toMatch(/repl failed|closed: /);
    expect(code).toBe(0);
  }, 90_000);
});
