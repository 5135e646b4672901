import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { OwnershipHeldError, StoreError } from '../persist/errors.js';
import { StoreModule } from '../persist/store-module.js';
import { MemoryLogger } from '../testing/memory-logger.js';
import { SystemClock } from '../timer/clock.js';
import { defaults } from '../config/defaults.js';
import { metricLabels, metricValue } from './fixtures/metric-values.js';
import { StoreMetrics } from './store-metrics.js';

const dir = await mkdtemp(join(tmpdir(), 'store-metrics-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const count = (registry: Registry, operation: string, backend: string) =>
  metricValue(registry, 'tessera_store_operation_duration_seconds', { operation, backend }, 'tessera_store_operation_duration_seconds_count');

describe('StoreMetrics', () => {
  it('observes operations by operation and backend, and counts errors by catalogue code', async () => {
    const registry = new Registry();
    const metrics = new StoreMetrics(registry);
    metrics.operationSettled('load', 'mongodb', 0.002, undefined);
    metrics.operationSettled('load', 'mongodb', 0.004, undefined);
    metrics.operationSettled('saveBatch', 'mongodb', 0.03, new StoreError('STORE_ERR_UNAVAILABLE', 'down'));
    metrics.operationSettled('claimOwner', 'lmdb', 0.001, new OwnershipHeldError('Hero', 'h1', 'lobby-2', 0));
    metrics.operationSettled('find', 'lmdb', 0.001, new Error('not from the catalogue'));
    metrics.operationSettled('find', 'lmdb', 0.001, Object.assign(new Error('odd'), { code: 'ECONNRESET' }));
    expect(await count(registry, 'load', 'mongodb')).toBe(2);
    expect(await count(registry, 'saveBatch', 'mongodb')).toBe(1);
    expect(await metricValue(registry, 'tessera_store_operation_duration_seconds', { operation: 'load' }, 'tessera_store_operation_duration_seconds_sum')).toBeCloseTo(0.006, 9);
    expect(await metricValue(registry, 'tessera_store_errors_total', { operation: 'saveBatch', code: 'STORE_ERR_UNAVAILABLE' })).toBe(1);
    expect(await metricValue(registry, 'tessera_store_errors_total', { operation: 'claimOwner', code: 'STORE_ERR_OWNED' })).toBe(1);
    expect(await metricValue(registry, 'tessera_store_errors_total', { operation: 'find', code: 'other' })).toBe(2);
    expect(await metricValue(registry, 'tessera_store_errors_total', { operation: 'load' })).toBeUndefined();
  });

  it('measures the store a store module opens when given it', async () => {
    const registry = new Registry();
    const config = { ...defaults.store, backend: 'lmdb' as const, lmdb: { ...defaults.store.lmdb, path: dir } };
    const module = new StoreModule(config, { clock: new SystemClock(), logger: new MemoryLogger(), metrics: new StoreMetrics(registry) });
    await module.start();
    await module.store.save('Hero', { id: 'h1', data: { gold: 1 }, expectedVersion: 0 });
    await module.store.load('Hero', 'h1');
    await expect(module.store.save('Hero', { id: 'h1', data: { gold: 2 }, expectedVersion: 0 })).rejects.toMatchObject({ code: 'STORE_ERR_VERSION_CONFLICT' });
    await module.stop();
    expect(await count(registry, 'save', 'lmdb')).toBe(2);
    expect(await count(registry, 'load', 'lmdb')).toBe(1);
    expect(await metricValue(registry, 'tessera_store_errors_total', { operation: 'save', code: 'STORE_ERR_VERSION_CONFLICT' })).toBe(1);
    expect((await metricLabels(registry, 'tessera_store_operation_duration_seconds')).map((l) => l.operation).sort()).toEqual(['load', 'save']);
  });
});
