/**
 * The KCP server's metrics (docs/operations.md): sessions, round-trip times, resends and dropped
 * datagrams. All of it is read from the server's counters at scrape time; nothing is counted on
 * the datagram path for metrics' sake.
 */
import { Gauge, type Registry } from 'prom-client';
import type { KcpServer } from '../net/kcp/kcp-server.js';
import { CounterSeries, HistogramSeries } from './series.js';

/** Upper bounds of `tessera_kcp_rtt_seconds`. */
export const KCP_RTT_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

/** What a KCP server reports (engine/net/kcp/kcp-server.ts). */
export type KcpMetricsSource = Pick<KcpServer, 'stats' | 'transmission'>;

const DROP_REASONS = {
  malformed: 'malformed',
  unknownConv: 'unknown_conv',
  wrongAddress: 'wrong_address',
  badCookies: 'bad_cookie',
  full: 'full',
  refused: 'refused',
} as const;

/** The metrics of one KCP server, registered in its server's registry. */
export class KcpMetrics {
  private source: (() => KcpMetricsSource | undefined) | undefined;

  constructor(registry: Registry) {
    const read = (): KcpMetricsSource | undefined => this.source?.();
    new Gauge({
      name: 'tessera_kcp_sessions',
      help: 'KCP sessions open, lingering ones included.',
      registers: [registry],
      collect() {
        this.set(read()?.stats().sessions ?? 0);
      },
    });
    const rtt = new HistogramSeries('tessera_kcp_rtt_seconds', "Each live KCP session's smoothed round-trip time, sampled at every scrape.", [], KCP_RTT_SECONDS_BUCKETS, registry, () => {
      const child = rtt.child({});
      // A session without an RTT sample yet has nothing to say.
      for (const ms of read()?.transmission().srttMs ?? []) if (ms > 0) child.observe(ms / 1000);
    });
    const resends: CounterSeries<'kind'> = new CounterSeries('tessera_kcp_retransmits_total', 'KCP segments sent again: after their RTO ran out (timeout) or after later segments were acked (fast).', ['kind'], registry, () => {
      const source = read();
      if (!source) return;
      const { timeoutResends, fastResends } = source.transmission();
      resends.child({ kind: 'timeout' }).value = timeoutResends;
      resends.child({ kind: 'fast' }).value = fastResends;
    });
    const dropped: CounterSeries<'reason'> = new CounterSeries('tessera_kcp_dropped_datagrams_total', 'Datagrams and CONNECTs the KCP server dropped or refused, by reason.', ['reason'], registry, () => {
      const stats = read()?.stats();
      if (!stats) return;
      for (const [field, reason] of Object.entries(DROP_REASONS)) dropped.child({ reason }).value = stats[field as keyof typeof DROP_REASONS];
    });
    for (const kind of ['timeout', 'fast']) resends.child({ kind });
    for (const reason of Object.values(DROP_REASONS)) dropped.child({ reason });
  }

  /** Where the metrics read from: the server while it listens, undefined otherwise. */
  watch(source: () => KcpMetricsSource | undefined): void {
    this.source = source;
  }
}
