import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadIdentityKey } from './identity-key.js';

describe('loadIdentityKey', () => {
  let dir: string;
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('creates a key file readable by its owner only, and loads the same key from it again', async () => {
    dir = await mkdtemp(join(tmpdir(), 'identity-'));
    const path = join(dir, 'sub', 'gate.key');
    const first = loadIdentityKey(path);
    expect(((await stat(path)).mode & 0o777).toString(8)).toBe('600');
    expect(Buffer.from(loadIdentityKey(path).publicKey)).toEqual(Buffer.from(first.publicKey));
    expect((await readFile(path, 'utf8')).trim()).toHaveLength(44);
  });

  it('refuses a file that does not hold 32 bytes', async () => {
    const path = join(dir, 'bad.key');
    await writeFile(path, 'c2hvcnQ=\n');
    expect(() => loadIdentityKey(path)).toThrow(/expected 32 bytes/);
  });
});
