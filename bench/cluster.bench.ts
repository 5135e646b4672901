/**
 * Cluster messaging (docs/cluster.md), one section per capability, each measured against its own
 * baseline in the same run (bench/cluster/*.ts say what each measures and against what):
 *
 * - broadcast: a group broadcast to 1,000 members over two gates, against one push per member;
 * - hub: messages per second published through the Redis hub, against raw ioredis PUBLISH;
 * - migration: time from the start of a move to the entity answering on the target lobby, p50 and
 *   p99 over 1,000 moves, against a plain call's round trip.
 */
import type { BenchReport, Benchmark } from './lib/benchmark.js';
import { measureGroupBroadcast } from './cluster/group-broadcast.js';
import { measureHubPublish } from './cluster/hub-publish.js';
import { measureMigration } from './cluster/migration.js';

/** The sections, run one after the other: each starts and stops the servers it needs. */
const SECTIONS: readonly (readonly [string, () => Promise<BenchReport>])[] = [
  ['broadcast', measureGroupBroadcast],
  ['hub', measureHubPublish],
  ['migration', measureMigration],
];

// Each section's names get its prefix, so that the sections' figures and params never collide.
function merge(reports: readonly (readonly [string, BenchReport])[]): BenchReport {
  const merged: Required<BenchReport> = { figures: {}, baseline: {}, compare: [], params: {} };
  for (const [section, report] of reports) {
    const name = (key: string): string => `${section}: ${key}`;
    for (const [key, figure] of Object.entries(report.figures)) merged.figures[name(key)] = figure;
    for (const [key, figure] of Object.entries(report.baseline)) merged.baseline[name(key)] = figure;
    for (const { ours, baseline } of report.compare) merged.compare.push({ ours: name(ours), baseline: name(baseline) });
    for (const [key, value] of Object.entries(report.params ?? {})) merged.params[name(key)] = value;
  }
  return merged;
}

const benchmark: Benchmark = {
  name: 'cluster',
  description: 'cluster messaging: group broadcast vs a push per member, hub publish vs raw ioredis, live migration vs a call',
  async run() {
    const reports: (readonly [string, BenchReport])[] = [];
    for (const [section, measure] of SECTIONS) reports.push([section, await measure()]);
    return merge(reports);
  },
};

export default benchmark;
