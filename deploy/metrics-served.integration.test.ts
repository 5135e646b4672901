/**
 * The metrics the dashboards and alert rules in deploy/ read, and those docs/operations.md
 * documents, against what a real server serves (and the other way round: every `tessera_*`
 * metric it serves is documented): a standalone main.ts (gate with TCP, WebSocket and KCP, lobby,
 * services, store, discovery and tracing in one process) is started and its `/metrics` scraped.
 * A metric counts as served when the scrape declares it (`# TYPE <name>`): prom-client declares a
 * registered metric before it has samples, so metrics of links and peers a single process never
 * opens are checked too.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMain, type MainProcess } from '../engine/testing/main-process.js';
import { deployQueries, metricsRead } from './deploy-queries.js';
import { documentedMetrics } from './documented-metrics.js';
import { declaredTypes, metricOf } from './promql-metric-names.js';

let dir: string;
let server: MainProcess;
let served: Map<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metrics-served-'));
  server = await startMain([
    '--role', 'standalone', '--http.port', '0', '--rpc.port', '0',
    '--gate.tcpPort', '0', '--gate.wsPort', '0', '--gate.kcpPort', '0',
    '--gate.identityKeyPath', join(dir, 'gate.key'), '--store.lmdb.path', join(dir, 'lmdb'),
    // Tracing registers its metric only when on; without an OTLP URL its spans go nowhere.
    '--tracing.enabled', 'true',
  ]);
  // The ready line names the health URL; /metrics is served beside it.
  const response = await fetch(new URL('/metrics', server.ready.http));
  expect(response.status).toBe(200);
  served = declaredTypes(await response.text());
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a standalone server\'s /metrics', () => {
  it('serves every metric the dashboards and alert rules read', () => {
    const missing = [...metricsRead(deployQueries())].filter(([name]) => !served.has(metricOf(name, served))).map(([name, where]) => `${name} (${where[0]})`);
    expect(missing).toEqual([]);
  });

  it('serves every metric docs/operations.md documents, with the documented type', () => {
    const documented = [...documentedMetrics()];
    expect(documented.filter(([name]) => !served.has(name)).map(([name]) => name)).toEqual([]);
    expect(documented.filter(([name, type]) => served.get(name) !== type).map(([name, type]) => `${name}: documented ${type}, served ${served.get(name)}`)).toEqual([]);
  });

  it('serves no tessera metric docs/operations.md leaves out', () => {
    const documented = documentedMetrics();
    expect([...served.keys()].filter((name) => name.startsWith('tessera_') && !documented.has(name))).toEqual([]);
  });
});
