import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWebClient } from './bundle-web-client.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bundle-web-client-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bundling a web client', () => {
  it('bundles the arena\'s client with the browser SDK into one module that uses nothing of Node, with a linked source map', async () => {
    const { script, map } = await bundleWebClient(fileURLToPath(new URL('../../examples/arena/web/main.ts', import.meta.url)));
    expect(script).toContain('Controls.move');
    expect(script).toMatch(/\/\/# sourceMappingURL=main\.js\.map\s*$/);
    expect(script).not.toMatch(/\brequire\(|\bBuffer\b|(?<![.\w])process\.|setImmediate/);
    const sources = (JSON.parse(map) as { sources: string[] }).sources;
    expect(sources.some((s) => s.endsWith('examples/arena/web/main.ts'))).toBe(true);
    expect(sources.some((s) => s.endsWith('client-sim/browser-client.ts'))).toBe(true);
  });

  it('refuses a script that imports a Node module, naming the script, the file and line', async () => {
    const script = join(dir, 'node-only.ts');
    await writeFile(script, "import { readFileSync } from 'node:fs';\nconsole.log(readFileSync);\n");
    const err = await bundleWebClient(script).then(() => undefined, (e: Error) => e);
    expect(err?.message).toContain(`web client ${script} does not build`);
    expect(err?.message).toMatch(/node-only\.ts:1:\d+: .*node:fs/);
  });

  it('refuses a script that does not parse', async () => {
    const script = join(dir, 'broken.ts');
    await writeFile(script, 'const = ;\n');
    await expect(bundleWebClient(script)).rejects.toThrow(/broken\.ts:1:\d+: /);
  });
});
