import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openLmdbStore } from '../engine/persist/lmdb-store.js';
import { SystemClock } from '../engine/timer/clock.js';
import { describeSpacePersistence } from './space-persistence.contract.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describeSpacePersistence('lmdb', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'space-persistence-'));
  dirs.push(dir);
  return openLmdbStore({ path: dir, clock: new SystemClock() });
});
