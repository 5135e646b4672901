/**
 * One step of the scaling benchmark: a cluster of main.ts processes running the arena (a login
 * service, gates and lobbies, startProcessCluster on the harness's etcd, Redis and FerretDB),
 * each server of the role being measured in a cgroup of its own with a fixed CPU quota, and the
 * arena's bots (arena-load.ts, worker threads of this process, outside any quota) playing it as
 * hard as it answers. It gives the bots' sustained request rate over the steady part, and the CPU
 * every process used meanwhile, so that the step's limit is named from figures.
 */
import { fileURLToPath } from 'node:url';
import { runBots } from '../../client-sim/bots/bot-runner.js';
import { login, register } from '../../client-sim/login.js';
import { startProcessCluster, waitUntil, type ClusterBackends, type ProcessCluster } from '../../gate/fixtures/cluster-of-processes.js';
import { PERIOD_US, CpuQuotaGroup, type CgroupLayout } from './cpu-quota.js';
import { coresBetween, readCpu, type CpuReading } from './cpu-use.js';
import { steadyRate } from './steady-rate.js';

const SCENARIO = fileURLToPath(new URL('./arena-load.ts', import.meta.url));

/** The harness's servers, with the ids of those of their processes that the CPU readings include. */
export interface ScalingBackends extends ClusterBackends {
  pids: Partial<Record<'etcd' | 'redis' | 'ferretdb', number>>;
}

/** What one step runs. */
export interface StepPlan {
  /** The role whose servers are capped by a quota and counted. */
  capped: 'lobby' | 'gate';
  gates: number;
  lobbies: number;
  /** Each capped server's CPU share, in cores. */
  coresEach: number;
  bots: number;
  /** Bot worker threads. */
  workers: number;
  rampMs: number;
  /**
   * After the ramp, how long the bots play before the measurement starts: a fresh server held to
   * a tenth of a core takes some 20 s for its code to be compiled and its rate to level off.
   */
  settleMs: number;
  /** The measured part, after the settling. */
  durationMs: number;
}

/** What one step measured. */
export interface StepResult {
  plan: StepPlan;
  /** Requests per second of every bot together: the median second of the measured part (steady-rate.ts). */
  requestsPerSecond: number;
  errorRate: number;
  /** Errors by code: a hero downed by a monster (`ARENA_ERR_DEAD`) is part of playing. */
  errors: Record<string, number>;
  peakConnected: number;
  /** Cores each set of processes used over the measured part: lobbies, gates, services, etcd, redis, ferretdb, bots, and the machine. */
  cores: Record<string, number>;
  /** The bots' worst event-loop delay (the worst second's p99 of the busiest worker), in ms: past 100 ms they were too busy to keep up. */
  botLoopDelayMs: number;
  /** Share of the CFS periods of the measured part in which the quota held a capped server back, averaged over them (0 to 1). */
  throttled: number;
}

/**
 * Arguments every process of the cluster gets: the arena, cheap password hashing, and no login
 * limits for the bots' address. Load reports keep their default interval: the login service
 * counts the players it sent to each gate since that gate's last report, so a ramp of logins is
 * spread over the gates between reports.
 */
const CLUSTER_ARGS = ['--game', 'examples/arena', '--login.scrypt.N', '16', '--login.scrypt.r', '1', '--login.scrypt.p', '1', '--login.rateLimit.exempt', '127.0.0.1'];
/**
 * Sessions spread evenly over the lobbies, so that each capped lobby gets its share of the bots;
 * the per-session message limit (200/s by default) far above what a bot sends, since a bot here
 * stands for many players' worth of requests.
 */
const GATE_ARGS = ['--gate.lobbyPolicy', 'round-robin', '--gate.ratePerSecond', '1000000', '--gate.rateBurst', '1000000'];

/**
 * Runs one step and stops everything it started: the cluster, the cgroups (also when it fails).
 * @param name names the cluster's etcd prefix and database; unique per step.
 */
export async function runStep(layout: CgroupLayout, backends: ScalingBackends, plan: StepPlan, name: string): Promise<StepResult> {
  const groups: CpuQuotaGroup[] = [];
  let cluster: ProcessCluster | undefined;
  try {
    cluster = await startProcessCluster({ ...backends, name, gates: plan.gates, lobbies: plan.lobbies, extraArgs: CLUSTER_ARGS, gateArgs: GATE_ARGS });
    const capped = plan.capped === 'lobby' ? cluster.lobbies : cluster.gates;
    for (const [i, proc] of capped.entries()) {
      const group = await CpuQuotaGroup.create(layout, `${name}-${plan.capped}-${i + 1}`, plan.coresEach);
      groups.push(group);
      await group.add(proc.child.pid!);
    }
    const loginUrl = cluster.loginUrl;
    await register(loginUrl, 'scaling-probe', 'scaling-probe-password').catch(() => undefined);
    await waitUntil('a gate offered at login', () => login(loginUrl, 'scaling-probe', 'scaling-probe-password'), 30_000, 200);

    const pids = {
      lobbies: cluster.lobbies.map((p) => p.child.pid!),
      gates: cluster.gates.map((p) => p.child.pid!),
      services: [cluster.services.child.pid!],
      ...Object.fromEntries(Object.entries(backends.pids).map(([name, pid]) => [name, [pid]])),
      bots: [process.pid],
    };
    let first: Promise<{ cpu: CpuReading; throttled: number[] }> | undefined;
    let last: Promise<{ cpu: CpuReading; throttled: number[] }> | undefined;
    const read = async (): Promise<{ cpu: CpuReading; throttled: number[] }> => ({ cpu: await readCpu(pids), throttled: await Promise.all(groups.map((g) => g.throttled())) });
    const { summary, workerLoopDelayMs } = await runBots({
      scenarioPath: SCENARIO,
      bots: plan.bots,
      workers: plan.workers,
      rampMs: plan.rampMs,
      durationMs: plan.settleMs + plan.durationMs,
      loginUrl,
      loginRatePerSecond: 500,
      stopGraceMs: 2_000,
      seed: 20,
      report: false,
      progress: 'none',
      onInterval: (_aggregate, atMs) => {
        const from = plan.rampMs + plan.settleMs;
        if (atMs < from) return;
        if (atMs <= from + plan.durationMs) {
          first ??= read();
          last = read();
        }
      },
    });
    if (!first || !last) throw new Error(`step ${name}: the run ended before its measured part`);
    const [from, to] = await Promise.all([first, last]);
    const periods = (to.cpu.atMs - from.cpu.atMs) * 1_000 / PERIOD_US;
    const throttled = groups.length === 0 || periods <= 0 ? 0 : to.throttled.reduce((sum, n, i) => sum + (n - from.throttled[i]!), 0) / groups.length / periods;
    return {
      plan,
      requestsPerSecond: steadyRate(summary.series, plan.rampMs + plan.settleMs, plan.durationMs),
      errorRate: summary.totals.errorRate,
      errors: summary.errors,
      peakConnected: summary.totals.peakConnected,
      botLoopDelayMs: Math.max(0, ...workerLoopDelayMs),
      cores: to.cpu.atMs > from.cpu.atMs ? coresBetween(from.cpu, to.cpu) : {},
      throttled,
    };
  } finally {
    try {
      await cluster?.stop();
    } finally {
      // Each group on its own: one that cannot be removed (a process left in it) neither hides
      // the step's own error nor keeps the others; the run's end removes what is left.
      for (const group of groups) await group.remove().catch((err: unknown) => console.error(`scaling: a CPU quota group was not removed: ${(err as Error).message}`));
    }
  }
}
