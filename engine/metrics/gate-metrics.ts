/**
 * The gate's metrics (docs/operations.md): connections, handshakes, messages and bytes by
 * transport, kicks by code, requests and their latency by route, push fan-out.
 *
 * Cheap on the hot path: an agent holds its transport's {@link TransportCounters} and adds to
 * them; a request costs one Map lookup for its route's series; gauges (sessions, pending requests,
 * connections) are read from the gate at scrape time.
 */
import { Gauge, type Registry } from 'prom-client';
import type { CloseReason } from '../protocol/kick.js';
import { TRANSPORT_CLOSED } from '../protocol/kick.js';
import { BoundedLabels } from './bounded-labels.js';
import { CounterSeries, HistogramSeries, type CounterChild, type HistogramChild } from './series.js';

/** The transports a gate counts by. */
export const GATE_TRANSPORTS = ['tcp', 'ws', 'kcp'] as const;
export type GateTransport = (typeof GATE_TRANSPORTS)[number];

/** Upper bounds of `tessera_gate_request_duration_seconds`, from half a millisecond to ten seconds. */
export const REQUEST_SECONDS_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
/** Upper bounds of `tessera_gate_push_fanout` (recipients of one push). */
export const PUSH_FANOUT_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] as const;
/** Distinct close codes counted per metric at most; the catalogues hold fewer. */
const MAX_CODES = 64;

/** One transport's counters, held by each of its connections. */
export interface TransportCounters {
  /** Connections open now (accepted by the protocol, a WebSocket's after its upgrade). */
  connections: number;
  readonly handshakes: CounterChild;
  readonly messagesReceived: CounterChild;
  readonly messagesSent: CounterChild;
  readonly bytesReceived: CounterChild;
  readonly bytesSent: CounterChild;
}

/** What the gate tells its metrics at scrape time. */
export interface GateGaugeSources {
  /** Authenticated sessions held. */
  sessions(): number;
  /** Client requests waiting for their replies, across connections. */
  pendingRequests(): number;
}

/** Settings of {@link GateMetrics}. */
export interface GateMetricsOptions {
  /** Route labels kept at most (`metrics.maxRoutes`); requests past them count under `other`. */
  maxRoutes: number;
  /** Routes labelled from the start (the gate's route dictionary, the system routes). */
  routes?: readonly string[];
}

interface RouteSeries {
  readonly ok: CounterChild;
  readonly error: CounterChild;
  readonly duration: HistogramChild;
}

/** The metrics of one gate, registered in its server's registry. */
export class GateMetrics {
  private readonly transports: Record<GateTransport, TransportCounters>;
  private readonly routes = new Map<string, RouteSeries>();
  private readonly routeLabels: BoundedLabels;
  private readonly other: RouteSeries;
  private readonly requests: CounterSeries<'route' | 'outcome'>;
  private readonly durations: HistogramSeries<'route'>;
  private readonly failures: CounterSeries<'transport' | 'code'>;
  private readonly failureCodes = new BoundedLabels(MAX_CODES);
  private readonly kicks: CounterSeries<'code'>;
  private readonly kickCodes = new BoundedLabels(MAX_CODES);
  private readonly pushes: CounterChild;
  private readonly recipients: CounterChild;
  private readonly fanout: HistogramChild;
  private sources: GateGaugeSources | undefined;

  constructor(registry: Registry, options: GateMetricsOptions) {
    const counter = <L extends string>(name: string, help: string, labels: readonly L[]) => new CounterSeries<L>(name, help, labels, registry);
    const handshakes = counter('tessera_gate_handshakes_total', 'Client connections that completed the protocol handshake.', ['transport']);
    const received = counter('tessera_gate_messages_received_total', 'Messages (requests and notifies) received from clients.', ['transport']);
    const sent = counter('tessera_gate_messages_sent_total', 'Messages (responses, errors and pushes) sent to clients.', ['transport']);
    const bytesIn = counter('tessera_gate_received_bytes_total', 'Bytes received from clients, as the transport delivered them.', ['transport']);
    const bytesOut = counter('tessera_gate_sent_bytes_total', 'Bytes written to clients, as given to the transport.', ['transport']);
    const each = (kind: GateTransport): TransportCounters => ({
      connections: 0,
      handshakes: handshakes.child({ transport: kind }),
      messagesReceived: received.child({ transport: kind }),
      messagesSent: sent.child({ transport: kind }),
      bytesReceived: bytesIn.child({ transport: kind }),
      bytesSent: bytesOut.child({ transport: kind }),
    });
    this.transports = { tcp: each('tcp'), ws: each('ws'), kcp: each('kcp') };
    this.failures = counter('tessera_gate_handshake_failures_total', 'Connections that ended or were refused before completing the handshake, by close code.', ['transport', 'code']);
    this.kicks = counter('tessera_gate_kicks_total', 'Connections the gate closed with an error code (a KICK), by code.', ['code']);
    this.requests = counter('tessera_gate_requests_total', 'Client requests answered, by route and outcome (ok or error).', ['route', 'outcome']);
    this.durations = new HistogramSeries('tessera_gate_request_duration_seconds', 'Client requests from arrival at the gate to the reply, by route.', ['route'], REQUEST_SECONDS_BUCKETS, registry);
    this.pushes = counter('tessera_gate_pushes_total', 'Pushes received from lobbies (one per gate, whatever the recipients).', []).child({});
    this.recipients = counter('tessera_gate_push_recipients_total', 'Sessions listed as recipients of pushes.', []).child({});
    this.fanout = new HistogramSeries('tessera_gate_push_fanout', 'Recipients per push.', [], PUSH_FANOUT_BUCKETS, registry).child({});
    this.routeLabels = new BoundedLabels(options.maxRoutes);
    this.other = this.seriesFor(this.routeLabels.other);
    for (const route of options.routes ?? []) this.claim(route);
    const transports = this.transports;
    new Gauge({
      name: 'tessera_gate_connections',
      help: 'Client connections open, by transport.',
      labelNames: ['transport'],
      registers: [registry],
      collect() {
        for (const kind of GATE_TRANSPORTS) this.set({ transport: kind }, transports[kind].connections);
      },
    });
    const sourcesOf = (): GateGaugeSources | undefined => this.sources;
    const gauge = (name: string, help: string, read: (sources: GateGaugeSources) => number): void => {
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          const sources = sourcesOf();
          this.set(sources ? read(sources) : 0);
        },
      });
    };
    gauge('tessera_gate_sessions', 'Authenticated sessions on this gate, attached or waiting to be resumed.', (s) => s.sessions());
    gauge('tessera_gate_pending_requests', 'Client requests waiting for their replies.', (s) => s.pendingRequests());
  }

  /** Where the gauges read from; the gate calls this once built. */
  watch(sources: GateGaugeSources): void {
    this.sources = sources;
  }

  /** The counters a connection on `kind` adds to. */
  transport(kind: GateTransport): TransportCounters {
    return this.transports[kind];
  }

  /** A connection on `kind` was accepted. */
  opened(kind: GateTransport): void {
    this.transports[kind].connections++;
  }

  /** A connection on `kind` completed the handshake. */
  handshook(kind: GateTransport): void {
    this.transports[kind].handshakes.value++;
  }

  /**
   * A connection on `kind` closed. Counted as a kick when the gate closed it with an error code,
   * and as a failed handshake when it never completed one: by its close code, `TRANSPORT_CLOSED`
   * when the client dropped the transport, `CLOSED` when it sent a KICK (whose name is the client's).
   */
  closed(kind: GateTransport, handshook: boolean, reason: CloseReason): void {
    this.transports[kind].connections--;
    if (!reason.byPeer && reason.code !== 0) this.kicks.child({ code: this.kickCodes.label(reason.name) }).value++;
    if (!handshook) this.refused(kind, reason.byPeer ? (reason.name === TRANSPORT_CLOSED ? TRANSPORT_CLOSED : 'CLOSED') : reason.name);
  }

  /** A connection on `kind` was refused at accept (full, too many handshakes, shutting down) with `code`. */
  refused(kind: GateTransport, code: string): void {
    this.failures.child({ transport: kind, code: this.failureCodes.label(code) }).value++;
  }

  /**
   * A client request on `route` was answered after `seconds`. A route not labelled yet takes a
   * label on its first success (while labels remain): an error on an unknown route is likely a
   * route that does not exist, and counts under `other` without taking one.
   */
  answered(route: string, ok: boolean, seconds: number): void {
    const series = this.routes.get(route) ?? (ok ? this.claim(route) : this.other);
    (ok ? series.ok : series.error).value++;
    series.duration.observe(seconds);
  }

  /** A lobby pushed one message to `recipients` sessions here. */
  pushed(recipients: number): void {
    this.pushes.value++;
    this.recipients.value += recipients;
    this.fanout.observe(recipients);
  }

  private claim(route: string): RouteSeries {
    const label = this.routeLabels.label(route);
    if (label !== route) return this.other;
    const series = this.seriesFor(route);
    this.routes.set(route, series);
    return series;
  }

  private seriesFor(label: string): RouteSeries {
    return {
      ok: this.requests.child({ route: label, outcome: 'ok' }),
      error: this.requests.child({ route: label, outcome: 'error' }),
      duration: this.durations.child({ route: label }),
    };
  }
}
