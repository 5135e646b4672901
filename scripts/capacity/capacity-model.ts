/**
 * The capacity model: from the benchmarks' figures (bench-inputs.ts) and the assumptions
 * (assumptions.ts), how many gates, lobbies and services a number of concurrent players needs,
 * the load on etcd, Redis and MongoDB, and the bandwidth. A pure function: the numbers in, a plan
 * out, each line with the arithmetic that made it.
 *
 * Each role is sized by CPU (one Node process uses one core: CPU per second over the share of a
 * core each may use) and by memory, whichever needs more, and never below the redundancy.
 */
import type { Assumptions } from './assumptions.js';
import type { BenchInputs } from './bench-inputs.js';

/** One sized role. */
export interface RolePlan {
  /** Processes (one core each). */
  readonly count: number;
  /** Cores of CPU per second the role uses at peak, all processes together. */
  readonly cores: number;
  /** What decided the count: CPU, memory, or the redundancy floor. */
  readonly boundBy: 'cpu' | 'memory' | 'redundancy';
  /** The arithmetic, for the printout. */
  readonly how: string;
}

/** Load on a backing service: its rate and, where a benchmark measured one, instances at that rate. */
export interface BackendLoad {
  /** Operations per second, by kind. */
  readonly rates: Readonly<Record<string, number>>;
  /** Instances (or shards) at the measured rate; undefined where nothing measured one's rate. */
  readonly instances: number | undefined;
  readonly how: string;
}

/** The model's answer. */
export interface CapacityPlan {
  readonly ccu: number;
  readonly requestsPerSecond: number;
  readonly pushesPerSecond: number;
  readonly gates: RolePlan;
  readonly lobbies: RolePlan;
  readonly services: RolePlan;
  readonly etcd: BackendLoad;
  readonly redis: BackendLoad;
  readonly mongodb: BackendLoad;
  /** Bytes per second, per player and all together. */
  readonly bandwidth: {
    readonly downPerPlayer: number;
    readonly upPerPlayer: number;
    readonly clientDown: number;
    readonly clientUp: number;
    /** Between gates and lobbies: each payload byte crosses once more inside the cluster. */
    readonly internal: number;
  };
}

const MIB = 1024 * 1024;

/**
 * @param scaling what n servers of the role did against n times one (the scaling benchmark);
 *   below 1 each server is taken to do that share of one alone's work, never more than it.
 */
function size(cpuUsPerSecond: number, bytes: number, a: Assumptions, what: string, scaling = 1): RolePlan {
  const cores = cpuUsPerSecond / 1e6;
  const efficiency = Math.min(1, scaling);
  const byCpu = Math.ceil(cores / (a['cpu-target'] * efficiency));
  const byMemory = Math.ceil(bytes / (a['memory-mib'] * MIB));
  const count = Math.max(byCpu, byMemory, a.redundancy);
  const boundBy = count === a.redundancy && byCpu < count && byMemory < count ? 'redundancy' : byCpu >= byMemory ? 'cpu' : 'memory';
  const perServer = efficiency < 1 ? `(${a['cpu-target']} × ${value(efficiency)} measured scaling)` : `${a['cpu-target']}`;
  const how = `${what}: ${cores.toFixed(2)} cores / ${perServer} = ${byCpu} by CPU; ${(bytes / MIB).toFixed(0)} MiB / ${a['memory-mib']} MiB = ${byMemory} by memory; at least ${a.redundancy}`;
  return { count, cores, boundBy, how };
}

/**
 * Sizes a deployment for `ccu` concurrent players.
 * @param ccu concurrent players, a positive whole number.
 * @param inputs the benchmarks' figures.
 * @param a the assumptions.
 * @throws RangeError when `ccu` is not a positive whole number (the command line checks it first).
 */
export function planCapacity(ccu: number, inputs: BenchInputs, a: Assumptions): CapacityPlan {
  if (!Number.isInteger(ccu) || ccu < 1) throw new RangeError(`ccu must be a positive whole number, got ${ccu}`);
  const echo = inputs.echoCpuUs.value;
  const requests = ccu * a['msgs-per-player'];
  const syncScale = inputs.syncTickHz.value > 0 ? a['sync-hz'] / inputs.syncTickHz.value : 0;
  const pushesPerPlayer = (inputs.syncMessagesPerTick.value / inputs.syncPlayers.value) * a['sync-hz'];
  const pushes = ccu * pushesPerPlayer;

  const gateRequestUs = echo * a['gate-share'] + inputs.rpcCallerUs.value;
  const gatePushUs = echo * a['gate-share'] * a['push-cost'];
  const gates = size(requests * gateRequestUs + pushes * gatePushUs, ccu * inputs.connectionBytes.value, a,
    `${fmt(requests)} req/s × ${gateRequestUs.toFixed(1)} µs + ${fmt(pushes)} pushes/s × ${gatePushUs.toFixed(1)} µs`, inputs.gateScaling.value);

  const lobbyRequestUs = echo * (1 - a['gate-share']) + inputs.rpcCalleeUs.value + a['handler-us'];
  const syncUsPerPlayerTick = (inputs.syncCpuMsPerTick.value * 1000) / inputs.syncPlayers.value;
  const tickUs = ccu * (syncUsPerPlayerTick + a['tick-us-per-player']) * a['sync-hz'];
  const lobbyBytes = ccu * Math.max(0, inputs.sessionBytes.value - inputs.connectionBytes.value);
  const lobbies = size(requests * lobbyRequestUs + tickUs, lobbyBytes, a,
    `${fmt(requests)} req/s × ${lobbyRequestUs.toFixed(1)} µs + ${fmt(ccu)} players × ${(syncUsPerPlayerTick + a['tick-us-per-player']).toFixed(1)} µs × ${a['sync-hz']} Hz`, inputs.lobbyScaling.value);

  const sessionSeconds = a['session-minutes'] * 60;
  const logins = (ccu / sessionSeconds) * a['login-peak'];
  const services = size(logins * a['login-cpu-ms'] * 1000, 0, a, `${fmt(logins)} logins/s × ${a['login-cpu-ms']} ms`);

  const servers = gates.count + lobbies.count + services.count;
  const keepalives = servers / (a['lease-ttl-s'] / 3);
  const reports = (servers * 1000) / a['load-report-ms'];
  const etcd: BackendLoad = {
    rates: { 'lease keep-alives/s': keepalives, 'load report puts/s': reports, 'watch events delivered/s': reports * servers },
    instances: undefined,
    how: `${servers} servers: a keep-alive every ${value(a['lease-ttl-s'] / 3)} s and a load report every ${value(a['load-report-ms'] / 1000)} s each, each report seen by every server (each watches the whole prefix); no benchmark measures etcd's rate`,
  };

  const refreshes = ccu / (a['online-ttl-ms'] / 3 / 1000);
  const logouts = ccu / sessionSeconds;
  const hub = a['broadcasts-per-second'] * gates.count;
  const redisOps = logins + logouts + refreshes + hub;
  const redisRate = inputs.hubMessagesPerSecond.value;
  const redis: BackendLoad = {
    rates: { 'online index sets (logins)/s': logins, 'online index deletes (logouts)/s': logouts, 'online index entries refreshed/s': refreshes, 'hub messages delivered/s': hub },
    instances: Math.ceil(redisOps / (redisRate * a['cpu-target'])),
    how: `${fmt(redisOps)} ops/s / (${fmt(redisRate)} msg/s measured through the hub × ${a['cpu-target']}); the engine talks to one Redis (redis.url): more than one needs the online index split by uid, which it does not do`,
  };

  const saves = (ccu * a['dirty-share']) / (a['flush-ms'] / 1000) + logouts;
  const measuredStore = a['store-docs-per-second'] === 0;
  const storeRate = measuredStore ? inputs.storeUpdatesPerSecond.value : a['store-docs-per-second'];
  const mongodb: BackendLoad = {
    rates: { 'avatar saves/s': saves, 'avatar loads (logins)/s': logins },
    instances: Math.ceil((saves + logins) / (storeRate * a['cpu-target'])),
    how: `${fmt(saves + logins)} docs/s / (${value(storeRate)} updates/s ${measuredStore ? 'measured' : 'assumed'} × ${a['cpu-target']}) shards`,
  };

  const overhead = a['overhead-bytes'];
  const syncBytes = inputs.syncBytesPerClient.value * syncScale;
  const downPerPlayer = syncBytes + pushesPerPlayer * overhead + a['msgs-per-player'] * (a['reply-bytes'] + overhead);
  const upPerPlayer = a['msgs-per-player'] * (a['request-bytes'] + overhead);
  const internal = ccu * (syncBytes + a['msgs-per-player'] * (a['request-bytes'] + a['reply-bytes']));

  return {
    ccu,
    requestsPerSecond: requests,
    pushesPerSecond: pushes,
    gates,
    lobbies,
    services,
    etcd,
    redis,
    mongodb,
    bandwidth: { downPerPlayer, upPerPlayer, clientDown: ccu * downPerPlayer, clientUp: ccu * upPerPlayer, internal },
  };
}

/** A rate or count with thousands separators, to the unit. */
export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A figure to three significant digits below 100, else as {@link fmt}. */
export function value(n: number): string {
  return Math.abs(n) >= 100 ? fmt(n) : String(Number(n.toPrecision(3)));
}
