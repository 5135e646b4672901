/**
 * A lobby's metrics. Gauges and counters are read from the lobby's own counts when Prometheus
 * scrapes; only the tick loops record as they run: each step's duration, and an overrun when a
 * step took longer than its interval.
 */
import type { Registry } from 'prom-client';
import type { PersistenceStats } from '../ecs/entity-persistence.js';
import type { TickObserver } from '../ecs/tick-loop.js';
import { BoundedLabels } from './bounded-labels.js';
import { pulledCounter, pulledGauge } from './pulled-metrics.js';
import { CounterSeries, HistogramSeries } from './series.js';

/** Buckets of tick durations, in seconds: 250 µs to 1 s. */
export const TICK_DURATION_BUCKETS = [0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1];

/** What {@link LobbyMetrics} reads from a lobby at each scrape. */
export interface LobbyStats {
  /** Sessions bound to the lobby. */
  sessions: number;
  /** Live entities in the lobby's world and its spaces. */
  entities: number;
  /** Spaces the lobby hosts. */
  spaces: number;
  /** Entities whose changes wait for a save. */
  saveQueue: number;
  /** What the lobby's saves did since it started. */
  saves: PersistenceStats;
  /** What the lobby sent its gates, and what it could not queue to them. */
  gateLink: { pushes: number; kicks: number; failures: number };
}

/** What {@link LobbyMetrics} is built with. */
export interface LobbyMetricsOptions {
  /** Distinct space types labelled at most (`metrics.maxRoutes`); the rest count under `other`. */
  maxSpaceTypes: number;
}

/** The `tessera_lobby_*` metrics of one lobby, and those of its link to the gates. */
export class LobbyMetrics {
  private readonly duration: HistogramSeries<'space'>;
  private readonly overruns: CounterSeries<'space'>;
  private readonly spaceTypes: BoundedLabels;
  private stats: (() => LobbyStats) | undefined;

  /**
   * Registers the metrics in `registry`.
   * @throws Error when they are registered there already.
   */
  constructor(registry: Registry, options: LobbyMetricsOptions) {
    this.spaceTypes = new BoundedLabels(options.maxSpaceTypes);
    const pull = (pick: (s: LobbyStats) => number) => () => {
      const stats = this.stats?.();
      return stats && pick(stats);
    };
    this.duration = new HistogramSeries(
      'tessera_lobby_tick_duration_seconds',
      'Time one step of a world took, by space type (the lobby world: lobby; types past metrics.maxRoutes: other).',
      ['space'],
      TICK_DURATION_BUCKETS,
      registry,
    );
    this.overruns = new CounterSeries('tessera_lobby_tick_overruns_total', 'Steps that took longer than their interval, by space type.', ['space'], registry);
    pulledGauge(registry, { name: 'tessera_lobby_sessions', help: 'Sessions bound to this lobby.' }, pull((s) => s.sessions));
    pulledGauge(registry, { name: 'tessera_lobby_entities', help: 'Live entities in the lobby world and its spaces.' }, pull((s) => s.entities));
    pulledGauge(registry, { name: 'tessera_lobby_spaces', help: 'Spaces this lobby hosts (live, being created, being disposed).' }, pull((s) => s.spaces));
    pulledGauge(registry, { name: 'tessera_lobby_save_queue', help: 'Entities whose changes wait for a save.' }, pull((s) => s.saveQueue));
    pulledCounter(registry, { name: 'tessera_lobby_saves_total', help: 'Entity documents saved (ok) and whose save failed in the store (failed; retried by the next flush).', labelNames: ['outcome'] }, () => {
      const stats = this.stats?.();
      return stats && ([[{ outcome: 'ok' }, stats.saves.saved], [{ outcome: 'failed' }, stats.saves.failed]] as const);
    });
    pulledCounter(registry, { name: 'tessera_lobby_save_conflicts_total', help: 'Entity saves that met a version conflict (retried).' }, pull((s) => s.saves.conflicts));
    pulledCounter(registry, { name: 'tessera_lobby_ownership_lost_total', help: 'Entities a save found owned elsewhere: dropped unsaved.' }, pull((s) => s.saves.lost));
    pulledCounter(registry, { name: 'tessera_gate_link_pushes_total', help: 'Push messages this lobby sent to gates (one per gate, whatever the recipients).' }, pull((s) => s.gateLink.pushes));
    pulledCounter(registry, { name: 'tessera_gate_link_kicks_total', help: 'Kicks this lobby sent to gates.' }, pull((s) => s.gateLink.kicks));
    pulledCounter(registry, { name: 'tessera_gate_link_failures_total', help: 'Pushes, kicks and session data this lobby could not queue to their gate.' }, pull((s) => s.gateLink.failures));
  }

  /** Reads the lobby's counts at each scrape. */
  watch(stats: () => LobbyStats): void {
    this.stats = stats;
  }

  /** The observer of the tick loop of a world of space type `space` (the lobby names its own world `lobby`). */
  tickObserver(space: string): TickObserver {
    const label = this.spaceTypes.label(space);
    const duration = this.duration.child({ space: label });
    // Served at 0 from the start, so that an alert on its rate sees the series before the first overrun.
    const overruns = this.overruns.child({ space: label });
    return (tookMs, overran) => {
      duration.observe(tookMs / 1_000);
      if (overran) overruns.value++;
    };
  }
}
