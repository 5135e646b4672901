/**
 * `npm run repl` against a real standalone process, its lines piped in (not a terminal): requests,
 * a line that is not JSON, a push, the route list, a resume, a change of transport, and `.quit`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCliServer, type CliServer } from './fixtures/cli-runs.js';

let server: CliServer | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('npm run repl', () => {
  it('sends what is typed, refuses bad JSON, shows pushes and routes, resumes, changes transport and quits cleanly', async () => {
    server = await startCliServer('examples/inventory', { ws: true });
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
    // HOME is the server's folder: the history file goes there.
    const { code, output } = await runCli('client-sim/repl.ts', ['--login', server.login], { input: `${lines.join('\n')}\n`, env: { HOME: server.dir } });
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
