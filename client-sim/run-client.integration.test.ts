/**
 * `npm run client` against a real standalone process: it logs a player in, connects, and plays
 * the client script of the game it is given (the inventory example by default).
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

async function startStandalone(game: string): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'run-client-'));
  server = await startMain([
    '--role', 'standalone', '--game', game, '--http.port', '0', '--rpc.port', '0',
    '--gate.tcpPort', '0', '--gate.wsPort', '-1', '--gate.kcpPort', '-1',
    '--gate.identityKeyPath', join(dir, 'gate.key'), '--store.lmdb.path', join(dir, 'lmdb'), '--login.scrypt.N', '1024',
  ]);
  return server.ready.login!;
}

/** Runs client-sim/run-client.ts with `args`; resolves with its exit code and output. */
function runClient(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--conditions=tessera-source', '--import', 'tsx', 'client-sim/run-client.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

describe('npm run client', () => {
  it('plays the inventory example by default: an echo, a purchase and its push', async () => {
    const login = await startStandalone('examples/inventory');
    const { code, output } = await runClient(['--login', login]);
    expect(output).toMatch(/request Echo\.echo\('hello'\) -> "hello"/);
    expect(output).toMatch(/push inventory\.changed -> \{"gold":90,"items":\["wooden sword"\]\}/);
    expect(code).toBe(0);
  }, 60_000);

  it('plays the arena with --game: hunts a monster down, gets the kill push and sees itself on the leaderboard', async () => {
    const login = await startStandalone('examples/arena');
    const { code, output } = await runClient(['--login', login, '--game', 'examples/arena']);
    expect(output).toMatch(/in field field@\S+: you at \(50\.0, 50\.0\) with 0 xp/);
    expect(output).toMatch(/push arena\.kill -> \{"target":"monster-\d","xp":10,"totalXp":10,"kills":1\}/);
    expect(output).toMatch(/request leaderboard\.top -> \[\{"player":"[^"]+","xp":10\}\]/);
    expect(code).toBe(0);
  }, 90_000);

  it('fails at once, with exit code 1, for a game folder without a client script', async () => {
    const { code, output } = await runClient(['--game', 'engine']);
    expect(output).toMatch(/client failed: game "engine" has no client script/);
    expect(code).toBe(1);
  }, 60_000);
});
