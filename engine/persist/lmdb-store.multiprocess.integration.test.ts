import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openLmdbStore } from './lmdb-store.js';

const run = promisify(execFile);
const writer = fileURLToPath(new URL('./fixtures/lmdb-increment.ts', import.meta.url));

describe('LmdbStore shared by several processes', () => {
  let dir: string;
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps every increment made by three writer processes at once', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lmdb-multi-'));
    // One process creates the environment and the collection first, as a server does before other
    // processes share its database: several processes creating them at the same moment has been
    // seen to fail inside LMDB (MDB_PROBLEM, "mdb_page_touch no parent") on a loaded machine.
    const creator = openLmdbStore({ path: dir });
    await creator.save('counters', { id: 'counter', data: { n: 0 }, expectedVersion: 0 });
    await creator.close();
    const writers = [1, 2, 3].map(() => run(process.execPath, ['--import', 'tsx', writer, dir, 'counters', '200']));
    const outputs = await Promise.all(writers);
    for (const { stdout } of outputs) expect(JSON.parse(stdout)).toHaveProperty('conflicts');
    const store = openLmdbStore({ path: dir });
    try {
      expect(await store.load('counters', 'counter')).toEqual({ id: 'counter', version: 601, data: { n: 600 } });
    } finally {
      await store.close();
    }
  });
});
