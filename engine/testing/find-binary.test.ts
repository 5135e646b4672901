import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinary } from './find-binary.js';

describe('findBinary', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'find-binary-'));
    await writeFile(join(dir, 'redis-server'), '#!/bin/sh\n', { mode: 0o755 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('finds an executable on PATH', () => {
    expect(findBinary('redis', { PATH: dir, HOME: dir })).toBe(join(dir, 'redis-server'));
  });

  it('prefers an explicit *_BIN override', () => {
    const path = join(dir, 'redis-server');
    expect(findBinary('redis', { PATH: '', HOME: dir, REDIS_BIN: path })).toBe(path);
  });

  it('fails with a message that names scripts/setup.sh and the URL variable when the binary is missing', () => {
    expect(() => findBinary('ferretdb', { PATH: dir, HOME: dir })).toThrow(/scripts\/setup\.sh.*MONGO_URL/s);
    expect(() => findBinary('etcd', { PATH: dir, HOME: dir })).toThrow(/etcd-server.*ETCD_URL/s);
  });

  it('fails for a missing chromium with a message that names scripts/setup.sh, the Debian package and CHROMIUM_BIN', () => {
    expect(() => findBinary('chromium', { PATH: dir, HOME: dir })).toThrow(/chromium was not found.*scripts\/setup\.sh.*Debian package chromium.*CHROMIUM_BIN/s);
  });

  it('rejects a *_BIN override that is not executable', () => {
    expect(() => findBinary('etcd', { PATH: dir, HOME: dir, ETCD_BIN: join(dir, 'nope') })).toThrow(/not an executable/);
  });
});
