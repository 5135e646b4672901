import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { GateClient } from './gate-client.js';
import { loadClientScript } from './client-script.js';

const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));

// A stand-in for a connected client: the script under test only calls request().
const echoClient = { request: async (_route: string, value: unknown) => value } as unknown as GateClient;

describe('loadClientScript', () => {
  it('loads client.ts from the game folder, relative to the directory given', async () => {
    const script = await loadClientScript('scripted-game', FIXTURES);
    const lines: string[] = [];
    await script(echoClient, (line) => lines.push(line));
    expect(lines).toEqual(['echo -> "hi"']);
  });

  it('loads client.ts beside the file given (the game\'s index.ts)', async () => {
    const script = await loadClientScript('scripted-game/index.ts', FIXTURES);
    expect(typeof script).toBe('function');
  });

  it('looks beside the engine when the working directory has no such folder', async () => {
    const script = await loadClientScript('client-sim/fixtures/scripted-game', tmpdir());
    expect(typeof script).toBe('function');
  });

  it('refuses a game folder without client.ts, naming the files it tried', async () => {
    await expect(loadClientScript('unscripted-game', FIXTURES)).rejects.toThrow(/"unscripted-game" has no client script: none of .*unscripted-game\/client\.ts/);
  });

  it('refuses a client.ts whose default export is not a function', async () => {
    await expect(loadClientScript('bad-script-game', FIXTURES)).rejects.toThrow(/bad-script-game\/client\.ts: the default export must be the script/);
  });
});
