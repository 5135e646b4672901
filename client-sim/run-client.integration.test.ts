/**
 * `npm run client` against a real standalone process: it logs a player in, connects, and plays
 * the client script of the game it is given (the inventory example by default).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCliServer, type CliServer } from './fixtures/cli-runs.js';

let server: CliServer | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function startStandalone(game: string): Promise<string> {
  server = await startCliServer(game);
  return server.login;
}

/** Runs client-sim/run-client.ts with `args`. */
function runClient(args: string[]): Promise<{ code: number | null; output: string }> {
  return runCli('client-sim/run-client.ts', args);
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
