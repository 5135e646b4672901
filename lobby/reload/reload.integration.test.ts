/**
 * A live reload of game code in a real standalone process: a copy of a game (in `.tmp/`, inside
 * the repository, so that its imports of `tessera` resolve to this engine) runs, a client plays,
 * the test edits the copy and sends SIGUSR2. The client sees the new code at once while its
 * avatar keeps its state, and a timer started under the old code fires into the new; a change
 * that cannot be applied live is refused and the running code stays. The arena reloads too.
 */
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, register } from '../../client-sim/login.js';
import { connectGate, type GateClient } from '../../client-sim/node-client.js';
import { startMain, type MainProcess } from '../../engine/testing/main-process.js';
import type { CounterView } from './fixtures/counter-game/counter.js';

const PASSWORD = 'correct-horse-battery';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = join(ROOT, '.tmp', `reload-${process.pid}`);
// Generous: two cores shared by every test of the run.
const DEADLINE_MS = 60_000;

/** Polls `check` until it holds or the deadline passes. */
async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const end = Date.now() + DEADLINE_MS;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not within ${DEADLINE_MS} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Replaces `from` with `to` in `file`, checking that it was there. */
async function edit(file: string, from: string, to: string): Promise<void> {
  const source = await readFile(file, 'utf8');
  if (!source.includes(from)) throw new Error(`${file} has no ${from}`);
  await writeFile(file, source.replace(from, to));
}

function count(output: string, line: string): number {
  return output.split('\n').filter((l) => l.includes(line)).length;
}

/** Starts a standalone server running the game in folder `game`, and a player of it over TCP. */
async function play(name: string, game: string): Promise<{ server: MainProcess; client: GateClient }> {
  const server = await startMain([
    '--role', 'standalone', '--game', game, '--http.port', '0', '--rpc.port', '0',
    '--gate.tcpPort', '0', '--gate.kcpPort', '-1', '--gate.wsPort', '-1', '--http.play', 'false',
    '--gate.identityKeyPath', join(DIR, `${name}.key`), '--store.lmdb.path', join(DIR, `${name}-lmdb`), '--login.scrypt.N', '1024',
  ]);
  const username = `${name}-${process.pid}`;
  await register(server.ready.login!, username, PASSWORD);
  const { token, gate } = await login(server.ready.login!, username, PASSWORD);
  const client = await connectGate({ endpoint: gate.tcp!, transport: 'tcp', gateKey: gate.publicKey });
  await client.auth(token);
  return { server, client };
}

const running: { server: MainProcess; client: GateClient }[] = [];

beforeAll(async () => {
  await mkdir(DIR, { recursive: true });
});

afterAll(async () => {
  for (const { server, client } of running) {
    client.close();
    await server.stop();
  }
  await rm(DIR, { recursive: true, force: true });
});

describe('reloading game code in a running lobby', () => {
  it('runs the edited code for a live avatar, which keeps its state and its timer; a retyped field is refused', async () => {
    const game = join(DIR, 'counter-game');
    await cp(fileURLToPath(new URL('./fixtures/counter-game/', import.meta.url)), game, { recursive: true });
    const player = await play('counter', game);
    running.push(player);
    const { server, client } = player;
    expect(await client.request('Counter.bump')).toBe(1);
    expect(await client.request('Counter.bump')).toBe(2);
    // Long enough to fire only after the reload, even on a loaded machine.
    await client.request('Counter.startTimer', 8_000);

    const source = join(game, 'counter.ts');
    await edit(source, 'this.count += 1;', 'this.count += 10;');
    await edit(source, "rule: 'one'", "rule: 'ten'");
    await edit(source, 'ticks += 1;', 'ticks += 100;');
    server.child.kill('SIGUSR2');
    await until('the reload is logged', () => count(server.output(), 'game reloaded') === 1);
    expect(server.output()).toMatch(/game reloaded .*"generation":1,"changed":\["component Counter","entity Player"\]/);
    expect(await client.request('Counter.bump')).toBe(12);
    // The timer the old code started calls the method by name: the new code runs.
    await until('the timer fires', async () => (await client.request<CounterView>('Counter.read')).ticks > 0);
    expect(await client.request<CounterView>('Counter.read')).toEqual({ count: 12, ticks: 100, rule: 'ten' });

    await edit(source, 'ticks = 0;', "ticks = '';");
    await edit(source, 'this.count += 10;', 'this.count += 1000;');
    server.child.kill('SIGUSR2');
    await until('the refusal is logged', () => count(server.output(), 'game reload refused') === 1);
    expect(server.output()).toContain('component Counter: persisted field ticks retyped from number to string');
    expect(await client.request('Counter.bump')).toBe(22);
  }, 180_000);

  it('reloads the arena, its globals, spaces and services live, with a player in its field', async () => {
    const game = join(DIR, 'arena');
    await cp(join(ROOT, 'examples', 'arena'), game, { recursive: true, filter: (path) => !path.includes('/fixtures') });
    const player = await play('arena', game);
    running.push(player);
    const { server, client } = player;
    const before = await client.request('arena.look');
    await edit(join(game, 'experience.ts'), 'this.kills += 1;', 'this.kills += 2;');
    server.child.kill('SIGUSR2');
    await until('the reload is logged', () => count(server.output(), 'game reloaded') === 1);
    expect(server.output()).toMatch(/game reloaded .*"changed":\["component Experience"\]/);
    expect(Object.keys((await client.request('arena.look')) as object)).toEqual(Object.keys(before as object));
  }, 180_000);
});
