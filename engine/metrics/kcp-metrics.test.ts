import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { KcpMetrics, type KcpMetricsSource } from './kcp-metrics.js';

async function sample(registry: Registry, line: string): Promise<number | undefined> {
  const found = (await registry.metrics()).split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

function source(srttMs: number[], resends = { timeoutResends: 5, fastResends: 2 }): KcpMetricsSource {
  return {
    stats: () => ({ sessions: srttMs.length, accepted: 9, cookiesSent: 9, badCookies: 1, full: 2, refused: 3, malformed: 4, unknownConv: 5, wrongAddress: 6 }),
    transmission: () => ({ ...resends, srttMs }),
  };
}

describe('KcpMetrics', () => {
  it("reads the server's sessions, resends and drops at scrape time", async () => {
    const registry = new Registry();
    const metrics = new KcpMetrics(registry);
    metrics.watch(() => source([20, 0]));
    expect(await sample(registry, 'tessera_kcp_sessions')).toBe(2);
    expect(await sample(registry, 'tessera_kcp_retransmits_total{kind="timeout"}')).toBe(5);
    expect(await sample(registry, 'tessera_kcp_retransmits_total{kind="fast"}')).toBe(2);
    for (const [reason, value] of [['bad_cookie', 1], ['full', 2], ['refused', 3], ['malformed', 4], ['unknown_conv', 5], ['wrong_address', 6]] as const) {
      expect(await sample(registry, `tessera_kcp_dropped_datagrams_total{reason="${reason}"}`)).toBe(value);
    }
  });

  it('observes each sampled session RTT at every scrape, skipping sessions without a sample', async () => {
    const registry = new Registry();
    const metrics = new KcpMetrics(registry);
    metrics.watch(() => source([20, 0, 300]));
    await registry.metrics();
    const text = await registry.metrics();
    expect(text).toContain('tessera_kcp_rtt_seconds_count 4\n');
    expect(text).toContain('tessera_kcp_rtt_seconds_bucket{le="0.025"} 2\n');
    expect(text).toContain('tessera_kcp_rtt_seconds_bucket{le="0.5"} 4\n');
  });

  it('keeps its totals once the server is gone, and counts no sessions', async () => {
    const registry = new Registry();
    const metrics = new KcpMetrics(registry);
    let server: KcpMetricsSource | undefined = source([10]);
    metrics.watch(() => server);
    await registry.metrics();
    server = undefined;
    expect(await sample(registry, 'tessera_kcp_sessions')).toBe(0);
    expect(await sample(registry, 'tessera_kcp_retransmits_total{kind="timeout"}')).toBe(5);
  });

  it('serves zeroes before it watches a server', async () => {
    const registry = new Registry();
    new KcpMetrics(registry);
    expect(await sample(registry, 'tessera_kcp_retransmits_total{kind="fast"}')).toBe(0);
    expect(await sample(registry, 'tessera_kcp_dropped_datagrams_total{reason="malformed"}')).toBe(0);
  });
});
