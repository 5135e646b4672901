/**
 * The metrics the dashboards and alert rules read, against the metric tables of
 * docs/operations.md: none is read that is not documented, and every `tessera_*` metric
 * documented is on the dashboard. deploy/metrics-served.integration.test.ts checks the same names
 * against what a running server serves.
 */
import { describe, expect, it } from 'vitest';
import { deployFiles, deployQueries, metricsRead, readDashboard, dashboardQueries } from './deploy-queries.js';
import { documentedMetrics } from './documented-metrics.js';
import { metricOf } from './promql-metric-names.js';

const documented = documentedMetrics();
const read = metricsRead(deployQueries());

describe('the metrics the dashboards and alerts read', () => {
  it('documents a metric table per part', () => {
    for (const part of ['gate', 'kcp', 'rpc', 'lobby', 'store', 'discovery', 'tracing']) {
      expect([...documented.keys()].some((name) => name.startsWith(`tessera_${part}_`)), part).toBe(true);
    }
    expect(documented.get('nodejs_eventloop_lag_p99_seconds')).toBe('gauge');
  });

  it('follows the naming rules: counters end in _total, durations in _seconds, sizes in _bytes', () => {
    for (const [name, type] of documented) {
      expect(name.endsWith('_total'), name).toBe(type === 'counter');
      if (/duration|rtt|lag/.test(name)) expect(name, name).toMatch(/_seconds$/);
      if (/bytes/.test(name)) expect(name, name).toMatch(/_bytes(_total)?$/);
    }
  });

  it('reads only documented metrics', () => {
    const undocumented = [...read].filter(([name]) => !documented.has(metricOf(name, documented))).map(([name, where]) => `${name} (${where[0]})`);
    expect(undocumented).toEqual([]);
  });

  it('reads a histogram only through its _bucket, _sum and _count series', () => {
    const bare = [...read.keys()].filter((name) => documented.get(name) === 'histogram');
    expect(bare).toEqual([]);
  });

  it('shows every documented tessera metric on the dashboard', () => {
    const onDashboard = new Set(deployFiles('grafana', '.json').flatMap((file) =>
      [...metricsRead(dashboardQueries(file, readDashboard(file))).keys()].map((name) => metricOf(name, documented))));
    expect([...documented.keys()].filter((name) => name.startsWith('tessera_') && !onDashboard.has(name))).toEqual([]);
  });
});
