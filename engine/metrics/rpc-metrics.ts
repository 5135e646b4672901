/**
 * The RPC node's metrics. Counts and gauges are read from `RpcNode.stats()` when Prometheus
 * scrapes; only what a scrape cannot see afterwards is recorded as it happens: each call's
 * duration on the caller and the error it ended with.
 */
import type { Registry } from 'prom-client';
import type { RpcCallObserver, RpcStats } from '../rpc/rpc-node.js';
import { BoundedLabels } from './bounded-labels.js';
import { pulledCounter, pulledGauge } from './pulled-metrics.js';
import { CounterSeries, HistogramSeries, type CounterChild, type HistogramChild } from './series.js';

/** Distinct error codes labelled at most; the rest count under `other`. */
export const MAX_ERROR_CODES = 100;

/** A code worth a label: catalogue codes (`RPC_ERR_DEADLINE_EXCEEDED`) and games' (`ARENA_ERR_COOLDOWN`). */
const CODE_SHAPE = /^[A-Z][A-Z0-9_]{2,63}$/;

/** Buckets of call durations, in seconds: 100 µs to 10 s. */
export const RPC_DURATION_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What {@link RpcMetrics} is built with. */
export interface RpcMetricsOptions {
  /** Distinct scopes (service or component names) labelled at most (`metrics.maxRoutes`); the rest count under `other`. */
  maxScopes: number;
}

/** The `tessera_rpc_*` metrics of one server; give it to the node as `RpcNodeOptions.metrics`. */
export class RpcMetrics implements RpcCallObserver {
  private readonly duration: HistogramSeries<'scope'>;
  private readonly errors: CounterSeries<'code'>;
  private readonly scopes: BoundedLabels;
  private readonly codes = new BoundedLabels(MAX_ERROR_CODES);
  /** The children of the series by label, so that a call looks nothing else up. */
  private readonly durationByScope = new Map<string, HistogramChild>();
  private readonly errorsByCode = new Map<string, CounterChild>();
  private stats: (() => RpcStats) | undefined;

  /**
   * Registers the metrics in `registry`.
   * @throws Error when they are registered there already.
   */
  constructor(registry: Registry, options: RpcMetricsOptions) {
    this.scopes = new BoundedLabels(options.maxScopes);
    const pull = (pick: (s: RpcStats) => number) => () => {
      const stats = this.stats?.();
      return stats && pick(stats);
    };
    const directed = (pickSent: (s: RpcStats) => number, pickReceived: (s: RpcStats) => number) => () => {
      const stats = this.stats?.();
      return stats && ([[{ direction: 'sent' }, pickSent(stats)], [{ direction: 'received' }, pickReceived(stats)]] as const);
    };
    const direction = ['direction'] as const;
    pulledCounter(registry, { name: 'tessera_rpc_calls_total', help: 'RPC calls sent by this server and received by it.', labelNames: direction }, directed((s) => s.callsSent, (s) => s.callsReceived));
    pulledCounter(registry, { name: 'tessera_rpc_notifies_total', help: 'RPC notifications sent by this server and received by it.', labelNames: direction }, directed((s) => s.notifiesSent, (s) => s.notifiesReceived));
    pulledGauge(registry, { name: 'tessera_rpc_links', help: 'Links to peer servers, opening ones and accepted connections not proved yet included.' }, pull((s) => s.links));
    pulledGauge(registry, { name: 'tessera_rpc_peers', help: 'Peer servers this node keeps state for.' }, pull((s) => s.peers));
    pulledGauge(registry, { name: 'tessera_rpc_pending_calls', help: 'Calls made by this server waiting for their reply.' }, pull((s) => s.pendingCalls));
    pulledGauge(registry, { name: 'tessera_rpc_queued_bytes', help: 'Bytes waiting in the write queues of links, and for links to open.' }, pull((s) => s.queuedBytes));
    pulledCounter(registry, { name: 'tessera_rpc_refused_total', help: 'Calls and notifications refused because too many handlers were running.' }, pull((s) => s.refused));
    pulledCounter(registry, { name: 'tessera_rpc_expired_total', help: 'Calls received whose deadline passed before they ran or before their reply, so no reply was sent.' }, pull((s) => s.expiredOnArrival + s.expiredReplies));
    pulledCounter(registry, { name: 'tessera_rpc_moved_redirects_total', help: 'Entity calls sent on to the server their entity moved to.' }, pull((s) => s.movedRedirects));
    this.errors = new CounterSeries('tessera_rpc_errors_total', 'Calls by this server that failed, by error code (codes past the cap, and errors without one, count as other).', ['code'], registry);
    this.duration = new HistogramSeries(
      'tessera_rpc_call_duration_seconds',
      'Time from a call to its result or error, on the caller, by service or component (scopes past metrics.maxRoutes count as other).',
      ['scope'],
      RPC_DURATION_BUCKETS,
      registry,
    );
  }

  /** Reads the node's counters at each scrape (`RpcNode.stats`). */
  watch(stats: () => RpcStats): void {
    this.stats = stats;
  }

  /** A call made by this server settled after `seconds`, with `error` when it failed. */
  callSettled(scope: string, seconds: number, error: unknown): void {
    const label = this.scopes.label(scope);
    let duration = this.durationByScope.get(label);
    if (!duration) {
      duration = this.duration.child({ scope: label });
      this.durationByScope.set(label, duration);
    }
    duration.observe(seconds);
    if (error === undefined) return;
    const code = this.codes.label(codeOf(error));
    let errors = this.errorsByCode.get(code);
    if (!errors) {
      errors = this.errors.child({ code });
      this.errorsByCode.set(code, errors);
    }
    errors.value++;
  }
}

/** The label of an error's code: its `code` when it looks like one, else `other`. */
function codeOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && CODE_SHAPE.test(code) ? code : 'other';
}
