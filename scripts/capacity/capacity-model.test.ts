import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultAssumptions, type Assumptions } from './assumptions.js';
import { readBenchInputs, type BenchInputs } from './bench-inputs.js';
import { planCapacity } from './capacity-model.js';
import { writeFixtureResults } from './fixtures/bench-results.js';

let inputs: BenchInputs;
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'capacity-model-'));
  try {
    inputs = await readBenchInputs(await writeFixtureResults(dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

const assuming = (changes: Partial<Assumptions>): Assumptions => ({ ...defaultAssumptions(), ...changes });

// The fixture: echo 30 µs, RPC caller 8 µs and callee 5 µs, sync 10 ms per tick for 500 players
// at 20 Hz with one message each per tick and 4,000 B/s each, 8,000 B per connection and 12,000 B
// per session, MongoDB 10,000 updates/s, Redis hub 50,000 msg/s.
describe('planCapacity', () => {
  it('sizes gates by their share of requests and pushes, lobbies by requests and sync, at the CPU target', () => {
    const plan = planCapacity(100_000, inputs, defaultAssumptions());
    expect(plan.requestsPerSecond).toBe(200_000);
    expect(plan.pushesPerSecond).toBe(2_000_000);
    // 200,000 × (30 × 0.8 + 8) µs + 2,000,000 × 30 × 0.8 × 0.5 µs = 30.4 cores; / 0.6 → 51.
    expect(plan.gates).toMatchObject({ count: 51, boundBy: 'cpu' });
    expect(plan.gates.cores).toBeCloseTo(30.4);
    // 200,000 × (30 × 0.2 + 5) µs + 100,000 × 20 µs × 20 Hz = 42.2 cores; / 0.6 → 71.
    expect(plan.lobbies).toMatchObject({ count: 71, boundBy: 'cpu' });
    expect(plan.lobbies.cores).toBeCloseTo(42.2);
  });

  it('takes fewer lobbies\' and gates\' work per server where the scaling benchmark measured less than linear, never more', () => {
    const scaled = (lobby: number, gate: number): BenchInputs => ({
      ...inputs,
      lobbyScaling: { ...inputs.lobbyScaling, value: lobby },
      gateScaling: { ...inputs.gateScaling, value: gate },
    });
    // 42.2 cores / (0.6 × 0.8) → 88 lobbies; 30.4 / (0.6 × 0.5) → 102 gates.
    const plan = planCapacity(100_000, scaled(0.8, 0.5), defaultAssumptions());
    expect(plan.lobbies.count).toBe(88);
    expect(plan.lobbies.how).toContain('(0.6 × 0.8 measured scaling)');
    expect(plan.gates.count).toBe(102);
    // Better than linear is measurement noise: one server never counts for more than one.
    expect(planCapacity(100_000, scaled(1.2, 1.1), defaultAssumptions()).lobbies.count).toBe(71);
  });

  it('keeps a role at the redundancy floor when its load needs less', () => {
    const plan = planCapacity(100_000, inputs, defaultAssumptions());
    // 100,000 / 1,800 s × 3 logins/s × 2 ms = 0.33 cores.
    expect(plan.services).toMatchObject({ count: 2, boundBy: 'redundancy' });
    expect(planCapacity(10, inputs, assuming({ redundancy: 3 })).gates).toMatchObject({ count: 3, boundBy: 'redundancy' });
  });

  it('sizes a role by memory when its sessions fill the processes before their CPU does', () => {
    const plan = planCapacity(100_000, inputs, assuming({ 'msgs-per-player': 0, 'sync-hz': 0, 'memory-mib': 64 }));
    // 100,000 × 8,000 B / 64 MiB = 11.9 → 12 gates; lobbies hold 4,000 B a player → 6.
    expect(plan.gates).toMatchObject({ count: 12, boundBy: 'memory' });
    expect(plan.lobbies).toMatchObject({ count: 6, boundBy: 'memory' });
  });

  it('grows the servers in step with the players', () => {
    const small = planCapacity(100_000, inputs, defaultAssumptions());
    const large = planCapacity(1_000_000, inputs, defaultAssumptions());
    expect(large.gates.cores).toBeCloseTo(small.gates.cores * 10);
    expect(large.gates.count).toBe(507);
    expect(large.lobbies.count).toBe(704);
  });

  it('counts the etcd, Redis and MongoDB load of the servers and players', () => {
    const plan = planCapacity(100_000, inputs, defaultAssumptions());
    // 51 + 71 + 2 servers, a keep-alive every 10/3 s, a report every 5 s seen by each of them.
    expect(plan.etcd.rates['lease keep-alives/s']).toBeCloseTo(124 / (10 / 3));
    expect(plan.etcd.rates['load report puts/s']).toBeCloseTo(124 / 5);
    expect(plan.etcd.rates['watch events delivered/s']).toBeCloseTo((124 / 5) * 124);
    expect(plan.etcd.instances).toBeUndefined();
    // Each online player refreshed every 20 s; 51 gates get each broadcast.
    expect(plan.redis.rates['online index entries refreshed/s']).toBe(5_000);
    expect(plan.redis.rates['hub messages delivered/s']).toBe(51);
    expect(plan.redis.instances).toBe(1);
    // Half the avatars saved every 5 s and one at each logout, plus a load at each login.
    expect(plan.mongodb.rates['avatar saves/s']).toBeCloseTo(10_000 + 100_000 / 1_800);
    expect(plan.mongodb.instances).toBe(2);
  });

  it('adds state-sync bytes and packet headers to each player\'s bandwidth', () => {
    const plan = planCapacity(100_000, inputs, defaultAssumptions());
    // 4,000 B/s of sync + 20 pushes × 40 B + 2 replies × (48 + 40) B; up: 2 × (48 + 40) B.
    expect(plan.bandwidth.downPerPlayer).toBe(4_976);
    expect(plan.bandwidth.upPerPlayer).toBe(176);
    expect(plan.bandwidth.clientDown).toBe(497_600_000);
    const noSync = planCapacity(100_000, inputs, assuming({ 'sync-hz': 0 }));
    expect(noSync.pushesPerSecond).toBe(0);
    expect(noSync.bandwidth.downPerPlayer).toBe(176);
    // The sync bytes scale with the tick rate the benchmark ran at.
    expect(planCapacity(100_000, inputs, assuming({ 'sync-hz': 10 })).bandwidth.downPerPlayer).toBe(2_000 + 10 * 40 + 176);
  });

  it('throws at once for a player count that is not a positive whole number', () => {
    expect(() => planCapacity(0, inputs, defaultAssumptions())).toThrow(RangeError);
    expect(() => planCapacity(1.5, inputs, defaultAssumptions())).toThrow(RangeError);
  });
});

describe('planCapacity with a store rate given', () => {
  it('sizes MongoDB at that rate instead of the measured one', () => {
    // 10,055.6 saves/s + 166.7 loads/s over 20,000 × 0.6 docs/s.
    const plan = planCapacity(100_000, inputs, assuming({ 'store-docs-per-second': 20_000 }));
    expect(plan.mongodb.instances).toBe(1);
    expect(plan.mongodb.how).toContain('20,000 updates/s assumed');
  });
});
