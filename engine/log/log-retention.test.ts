import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pruneLogFiles, type PruneOptions } from './log-retention.js';

const NOW = Date.UTC(2026, 10, 21, 12);

describe('pruneLogFiles', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-retention-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function files(sizes: Record<string, number>): Promise<void> {
    for (const [name, size] of Object.entries(sizes)) await writeFile(join(dir, name), 'x'.repeat(size));
  }

  function prune(policy: Partial<PruneOptions>): Promise<string[]> {
    return pruneLogFiles({ dir, basename: 'app', now: NOW, active: 'app-2026-11-21.log', maxDays: Infinity, maxFiles: Infinity, maxTotalBytes: Infinity, ...policy });
  }

  const remaining = async (): Promise<string[]> => (await readdir(dir)).sort();

  it('keeps the files of the last maxDays UTC dates, today included', async () => {
    await files({ 'app-2026-11-21.log': 1, 'app-2026-11-20.log': 1, 'app-2026-11-19.2.log': 1, 'app-2026-11-18.log': 1, 'app-2025-01-01.log': 1 });
    expect(await prune({ maxDays: 3 })).toEqual(['app-2025-01-01.log', 'app-2026-11-18.log']);
    expect(await remaining()).toEqual(['app-2026-11-19.2.log', 'app-2026-11-20.log', 'app-2026-11-21.log']);
  });

  it('keeps the newest maxFiles files, ordering a day\'s files by their index', async () => {
    await files({ 'app-2026-11-20.log': 1, 'app-2026-11-20.1.log': 1, 'app-2026-11-20.10.log': 1, 'app-2026-11-20.2.log': 1, 'app-2026-11-21.log': 1 });
    expect(await prune({ maxFiles: 3 })).toEqual(['app-2026-11-20.log', 'app-2026-11-20.1.log']);
    expect(await remaining()).toEqual(['app-2026-11-20.10.log', 'app-2026-11-20.2.log', 'app-2026-11-21.log']);
  });

  it('deletes the oldest files past maxTotalBytes, and everything older than the first that does not fit', async () => {
    await files({ 'app-2026-11-21.log': 40, 'app-2026-11-20.log': 40, 'app-2026-11-19.log': 40, 'app-2026-11-18.log': 1 });
    expect(await prune({ maxTotalBytes: 100 })).toEqual(['app-2026-11-18.log', 'app-2026-11-19.log']);
  });

  it('never deletes the active file or files it did not name', async () => {
    await files({ 'app-2026-11-21.log': 500, 'app-2026-11-20.log': 1, 'app-extra-2026-01-01.log': 1, 'app-2026-01-01.log.gz': 1, 'readme.md': 1 });
    expect(await prune({ maxTotalBytes: 10, maxFiles: 1, maxDays: 1 })).toEqual(['app-2026-11-20.log']);
    expect(await remaining()).toEqual(['app-2026-01-01.log.gz', 'app-2026-11-21.log', 'app-extra-2026-01-01.log', 'readme.md']);
  });

  it('rejects when the directory cannot be listed', async () => {
    await expect(pruneLogFiles({ dir: join(dir, 'missing'), basename: 'app', now: NOW, active: 'x', maxDays: 1, maxFiles: 1, maxTotalBytes: 1 })).rejects.toThrow(/ENOENT/);
  });
});
