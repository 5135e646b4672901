/**
 * What the capacity model assumes besides the benchmarks' figures: each with its default, its
 * unit and why, so the printed plan shows every one of them. `npm run capacity -- --<name> <value>`
 * sets any of them.
 */

/** One assumption's default and what it means. */
export interface AssumptionSpec {
  readonly value: number;
  readonly unit: string;
  readonly why: string;
  /** The smallest value that makes sense (inclusive). */
  readonly min: number;
  /** The largest value that makes sense (inclusive); unbounded when absent. */
  readonly max?: number;
}

/** The assumptions by option name, with their defaults. */
export const ASSUMPTIONS = {
  'msgs-per-player': { value: 2, unit: 'requests/s', min: 0, why: 'client requests each player sends per second, at peak' },
  'cpu-target': { value: 0.6, unit: 'of a core', min: 0.05, max: 1, why: 'busiest share of its core each process may use: headroom for spikes and for taking over a failed peer\'s players' },
  'gate-share': { value: 0.8, unit: 'of the echo', min: 0, max: 1, why: 'part of the standalone echo\'s CPU that is gate work (protocol, AEAD, socket); the rest is the lobby\'s (docs/performance.md profile: AEAD, writes and reads about 50%, RPC, queue and lobby about 17%, the gate\'s bookkeeping most of the rest)' },
  'push-cost': { value: 0.5, unit: 'of a request', min: 0, why: 'gate CPU of one state-sync push relative to the gate\'s share of one request: one seal and one write, no open and no lobby trip' },
  'sync-hz': { value: 20, unit: 'Hz', min: 0, why: 'state-sync ticks per second each player receives (lobby.tickHz); 0 leaves state sync out' },
  'handler-us': { value: 0, unit: 'µs', min: 0, why: 'lobby CPU of the game\'s own handler per request beyond the echo\'s; a real game\'s is larger' },
  'tick-us-per-player': { value: 0, unit: 'µs', min: 0, why: 'lobby CPU of the game\'s systems per player per tick beyond state sync' },
  'memory-mib': { value: 1536, unit: 'MiB', min: 64, why: 'memory each server process may fill with sessions' },
  'session-minutes': { value: 30, unit: 'min', min: 1, why: 'mean play session: sets the login and logout rates' },
  'login-peak': { value: 3, unit: 'x mean', min: 1, why: 'peak login rate over the mean (an evening, a patch, a restart)' },
  'login-cpu-ms': { value: 2, unit: 'ms', min: 0, why: 'services CPU per login (a token signed, an account read): not measured by the benchmarks' },
  'dirty-share': { value: 0.5, unit: 'of players', min: 0, max: 1, why: 'players whose avatar changes within one save interval' },
  'flush-ms': { value: 5_000, unit: 'ms', min: 1, why: 'save interval of dirty entities (lobby.flushIntervalMs)' },
  'store-docs-per-second': { value: 0, unit: 'docs/s', min: 0, why: 'version-checked saves one MongoDB shard takes; 0 uses the store benchmark\'s "mongodb update" (FerretDB in the default run: run `MONGO_URL=... npm run bench -- store` against the real database)' },
  'broadcasts-per-second': { value: 1, unit: 'broadcasts/s', min: 0, why: 'cluster-wide broadcasts through the Redis hub (chat channels, announcements)' },
  'online-ttl-ms': { value: 60_000, unit: 'ms', min: 3, why: 'online index entry lifetime (gate.onlineTtlMs); gates refresh each entry every third of it' },
  'lease-ttl-s': { value: 10, unit: 's', min: 1, why: 'etcd lease of each server (etcd.leaseTtlSeconds), kept alive every third of it' },
  'load-report-ms': { value: 5_000, unit: 'ms', min: 1, why: 'load report interval of each server (cluster.loadReportIntervalMs)' },
  'request-bytes': { value: 48, unit: 'B', min: 0, why: 'client request packet (the gate benchmark\'s request)' },
  'reply-bytes': { value: 48, unit: 'B', min: 0, why: 'reply packet' },
  'overhead-bytes': { value: 40, unit: 'B', min: 0, why: 'TCP/IPv4 headers per packet, without options' },
  'redundancy': { value: 2, unit: 'servers', min: 1, why: 'fewest servers of each role, so one can fail' },
} as const satisfies Record<string, AssumptionSpec>;

/** An assumption's option name. */
export type AssumptionName = keyof typeof ASSUMPTIONS;

/** The values the model runs with, by option name. */
export type Assumptions = Record<AssumptionName, number>;

/** The defaults of every assumption. */
export function defaultAssumptions(): Assumptions {
  return Object.fromEntries(Object.entries(ASSUMPTIONS).map(([k, a]) => [k, a.value])) as Assumptions;
}
