import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log/create-logger.js';
import { openLmdbStore } from '../persist/lmdb-store.js';
import { describeStoreContract } from '../persist/store.contract.js';
import { ManualClock } from '../timer/clock.js';
import { tracedStore } from './traced-store.js';
import { Tracing } from './tracing.js';

const dir = await mkdtemp(join(tmpdir(), 'traced-store-'));
const logger = createLogger({ serverId: 's', level: 'info', console: false, clock: new ManualClock() });
const exporter = new InMemorySpanExporter();
const tracing = new Tracing({ sampleRatio: 1, maxQueuedSpans: 64, serviceName: 'tessera-test', serverId: () => 'lobby-1', context: logger, exporter });
afterAll(async () => {
  await tracing.stop();
  await logger.close();
  await rm(dir, { recursive: true, force: true });
});

// The wrapper is a Store like any other.
describeStoreContract('lmdb, traced', async (clock) => tracedStore(await openLmdbStore({ path: join(dir, 'contract'), maxCollections: 256, ...(clock ? { clock } : {}) }), tracing));

describe('tracedStore', () => {
  it('makes a span of each write inside a trace, a child of the active span, and none for reads or work outside one', async () => {
    const store = tracedStore(await openLmdbStore({ path: join(dir, 'spans'), maxCollections: 16 }), tracing);
    exporter.reset();
    await store.save('Avatar', { id: 'outside', data: {}, expectedVersion: 0 });
    await tracing.inSpan('lobby Inventory.buy', 'server', {}, 'active-or-root', async () => {
      await store.save('Avatar', { id: 'a', data: { gold: 1 }, expectedVersion: 0 });
      await store.saveBatch('Avatar', [{ id: 'b', data: {}, expectedVersion: 0 }]);
      await store.load('Avatar', 'a');
      await expect(store.delete('Avatar', 'a', 7)).rejects.toMatchObject({ code: 'STORE_ERR_VERSION_CONFLICT' });
    });
    await tracing.flush();
    const spans = exporter.getFinishedSpans();
    const root = spans.find((span) => span.name === 'lobby Inventory.buy')!;
    const writes = spans.filter((span) => span !== root);
    expect(writes.map((span) => span.name)).toEqual(['store save', 'store saveBatch', 'store delete']);
    for (const span of writes) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
      expect(span.attributes).toMatchObject({ 'db.system': 'lmdb', 'db.collection.name': 'Avatar' });
    }
    expect(writes[2]!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'STORE_ERR_VERSION_CONFLICT' });
    await store.close();
  });
});
