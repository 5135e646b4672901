/**
 * One tiny step of the scaling benchmark, for correctness, not figures: a cluster of real
 * processes with its lobby under a CPU quota, a few arena bots playing it, and nothing left
 * behind (no process of the cluster, no cgroup). Runs only where cgroups can be written (root and
 * a CPU controller), and prints why it is skipped elsewhere.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { detectCgroup, type CgroupLayout } from './cpu-quota.js';
import { MACHINE } from './cpu-use.js';
import { runStep } from './scaling-step.js';

let layout: CgroupLayout | undefined;
let unavailable: string | undefined;
try {
  layout = detectCgroup();
} catch (err) {
  unavailable = (err as Error).message;
  console.log(`[scaling step] skipped: ${unavailable}`);
}

describe.skipIf(unavailable !== undefined)('a scaling step', () => {
  it('plays the arena against a lobby held to its quota, measures the rate and every process\'s CPU, and removes its cgroup', async () => {
    const result = await runStep(layout!, {
      etcdUrl: inject('etcdUrl'),
      mongoUrl: inject('mongoUrl'),
      redisUrl: inject('redisUrl'),
      pids: {},
    }, { capped: 'lobby', gates: 1, lobbies: 1, coresEach: 0.2, bots: 4, workers: 1, rampMs: 1_000, settleMs: 1_000, durationMs: 3_000 }, `scaling-step-${process.pid}`);

    expect(result.peakConnected).toBe(4);
    expect(result.requestsPerSecond).toBeGreaterThan(0);
    // A hero a monster downed refuses moves until it respawns: part of playing, and the only refusal.
    expect(Object.keys(result.errors).filter((code) => code !== 'ARENA_ERR_DEAD')).toEqual([]);
    expect(Object.keys(result.cores).sort()).toEqual(['bots', 'gates', 'lobbies', MACHINE, 'services'].sort());
    expect(result.cores['lobbies']).toBeGreaterThan(0);
    // The kernel holds the lobby to its quota (no burst is configured), whatever the load: some slack for the readings' own timing.
    expect(result.cores['lobbies']).toBeLessThan(0.2 * 1.5);
    expect(result.throttled).toBeGreaterThanOrEqual(0);
    expect(readdirSync(layout!.parent).filter((name) => name.startsWith(`tessera-scaling-${process.pid}-`))).toEqual([]);
  }, 180_000);
});
