/**
 * How the cluster scales out (docs/scaling.md): the arena's bots (bench/scaling/arena-load.ts)
 * play a cluster of real main.ts processes on the harness's etcd, Redis and FerretDB as hard as
 * it answers, with 1, 2, 3 … lobbies behind two gates, then 1, 2, 3 … gates in front of two
 * lobbies; each measured server runs under a fixed CPU quota (a cgroup), so that each step adds
 * the same CPU. It prints, per count of servers, the sustained request rate, what the last
 * server added and its ratio to the first (the target is at least 0.8 per added lobby), the CPU
 * of every process, and the limit of each step named from those figures. The baseline is the
 * first step of each role: the ratios printed are rate(n) / rate(1). Needs root and a cgroup CPU
 * controller (SCALING_ERR_NO_CGROUP otherwise); settings in bench/scaling/scaling-plan.ts.
 */
import { availableParallelism } from 'node:os';
import { startEtcd, startFerretDB, startRedis } from '../engine/testing/test-servers.js';
import type { BenchReport, Benchmark, Figure } from './lib/benchmark.js';
import { detectCgroup, removeLeftGroups } from './scaling/cpu-quota.js';
import { scalingSettings, scalingSteps } from './scaling/scaling-plan.js';
import { runStep, type StepResult } from './scaling/scaling-step.js';
import { CPU_COLUMNS, formatScalingTable, scalingRows, serversLabel, stopsAt, type ScalingRow } from './scaling/scaling-table.js';

const rate = (value: number): Figure => ({ value, unit: 'req/s', better: 'higher' });

function report(rows: readonly ScalingRow[], params: Record<string, string | number>): BenchReport {
  const out: Required<BenchReport> = { figures: {}, baseline: {}, compare: [], params: { ...params } };
  for (const row of rows) {
    const label = serversLabel(row);
    if (row.servers === 1) out.baseline[label] = rate(row.requestsPerSecond);
    else {
      out.figures[label] = rate(row.requestsPerSecond);
      out.figures[`${label}: added/first`] = { value: row.addedRatio, unit: 'x', better: 'higher' };
      out.compare.push({ ours: label, baseline: serversLabel({ role: row.role, servers: 1 }) });
    }
    out.params[`${label}: cpu`] = CPU_COLUMNS.map((c) => `${c} ${(row.cores[c] ?? 0).toFixed(2)}`).join(', ');
    out.params[`${label}: limit`] = row.limit;
  }
  out.params['lobbies: scaling stops'] = stopsAt(rows, 'lobby');
  out.params['gates: scaling stops'] = stopsAt(rows, 'gate');
  return out;
}

const benchmark: Benchmark = {
  name: 'scaling',
  description: 'arena bots against 1..N lobbies, then 1..N gates, each under a fixed CPU quota: sustained rate, per added server, and where it stops',
  async run() {
    const cores = availableParallelism();
    const settings = scalingSettings(process.env, cores);
    const layout = detectCgroup();
    const stale = await removeLeftGroups(layout);
    if (stale.length > 0) console.log(`  removed cgroups left by earlier runs: ${stale.join(', ')}`);
    // Interrupted, the run still leaves no group behind; its servers end with it (their IPC channel closes).
    const onSignal = (): void => {
      void removeLeftGroups(layout, process.pid).finally(() => process.exit(130));
    };
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    const backends = await Promise.all([startEtcd(), startRedis(), startFerretDB()]);
    const [etcd, redis, ferretdb] = backends;
    const servers = {
      etcdUrl: etcd.url, redisUrl: redis.url, mongoUrl: ferretdb.url,
      pids: { etcd: etcd.child.pid!, redis: redis.child.pid!, ferretdb: ferretdb.child.pid! },
    };
    const results: StepResult[] = [];
    try {
      const steps = scalingSteps(settings, cores);
      for (const [i, plan] of steps.entries()) {
        const count = plan.capped === 'lobby' ? plan.lobbies : plan.gates;
        const started = performance.now();
        const result = await runStep(layout, servers, plan, `scaling-${process.pid}-${i}`);
        results.push(result);
        console.log(`  step ${i + 1}/${steps.length}: ${serversLabel({ role: plan.capped, servers: count })}, ${plan.bots} bots: ${result.requestsPerSecond.toFixed(0)} req/s (${((performance.now() - started) / 1_000).toFixed(0)} s)`);
      }
    } finally {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      try {
        await removeLeftGroups(layout, process.pid);
      } finally {
        await Promise.all(backends.map((b) => b.stop()));
      }
    }
    const rows = scalingRows(results, cores);
    console.log(`\n  each measured server under ${settings.coresEach} cores (cgroup ${layout.version}); ${cores} cores in all; CPU in cores over each step's measured part\n`);
    for (const line of formatScalingTable(rows)) console.log(`  ${line}`);
    console.log(`\n  lobbies: scaling stops ${stopsAt(rows, 'lobby')}\n  gates: scaling stops ${stopsAt(rows, 'gate')}`);
    return report(rows, {
      cgroup: layout.version,
      'cores per measured server': settings.coresEach,
      'bots per measured server': settings.botsPerServer,
      'settling ms': settings.settleMs,
      'measured ms': settings.durationMs,
      'machine cores': cores,
      scenario: 'bench/scaling/arena-load.ts',
    });
  },
};

export default benchmark;
