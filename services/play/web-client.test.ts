import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findWebClient } from './web-client.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'web-client-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function game(name: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, name, path, '..'), { recursive: true });
    await writeFile(join(dir, name, path), text);
  }
}

describe('finding a game\'s web client', () => {
  it('finds web/main.ts beside the game, named by its folder, its index file or that file without extension', async () => {
    await game('dungeon', { 'index.ts': '', 'web/main.ts': '' });
    for (const spec of ['dungeon', 'dungeon/index.ts', 'dungeon/index', './dungeon/']) {
      expect(findWebClient(spec, dir)).toEqual({ script: join(dir, 'dungeon/web/main.ts'), page: undefined, title: 'dungeon' });
    }
  });

  it('takes web/main.js when there is no main.ts, and the game\'s own web/index.html when it ships one', async () => {
    await game('built', { 'index.js': '', 'web/main.js': '', 'web/index.html': '<!doctype html>' });
    expect(findWebClient('built', dir)).toEqual({ script: join(dir, 'built/web/main.js'), page: join(dir, 'built/web/index.html'), title: 'built' });
  });

  it('names every script path it tried when the game has no web client', async () => {
    await game('quiet', { 'index.ts': '' });
    const found = findWebClient('quiet', dir);
    expect(found).toMatchObject({ tried: expect.arrayContaining([join(dir, 'quiet/web/main.ts'), join(dir, 'quiet/web/main.js')]) });
    expect('script' in found).toBe(false);
  });

  it('finds the examples\' clients under the engine\'s root from any working directory', () => {
    expect(findWebClient('examples/arena', dir)).toMatchObject({ script: expect.stringMatching(/examples\/arena\/web\/main\.ts$/), title: 'arena' });
  });
});
