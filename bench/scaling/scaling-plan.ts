/**
 * What `npm run bench -- scaling` runs: one step per count of lobbies (1 to `maxServers`, each
 * lobby under a CPU quota, behind two gates without one), then one per count of gates (each gate
 * under the quota, as many lobbies without one: enough not to limit, and each with the same
 * number of players, so that what each player is synced stays the same), with bots in proportion
 * to the servers measured. Settings come from the environment, so that a quick run needs no other flags:
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `SCALING_CORES` | 0.1 | each measured server's CPU share, in cores |
 * | `SCALING_MAX_SERVERS` | 4 | the most lobbies, and gates, measured |
 * | `SCALING_BOTS_PER_SERVER` | 10 | bots per measured server (each keeps eight requests in flight) |
 * | `SCALING_SECONDS` | 10 | the measured part of each step, after a 5 s ramp and 15 s of settling |
 * | `SCALING_SHORT` | unset | `1`: two servers at most, 4 s measured after 2 s of ramp and 4 s of settling (a quick look, not figures) |
 */
import { availableParallelism } from 'node:os';
import { ScalingError } from './errors.js';
import type { StepPlan } from './scaling-step.js';

/** The settings of a run. */
export interface ScalingSettings {
  coresEach: number;
  maxServers: number;
  botsPerServer: number;
  rampMs: number;
  settleMs: number;
  durationMs: number;
}

/** Gates in front of the measured lobbies, without a quota: never the limit. */
export const FIXED_GATES = 2;

function number(env: NodeJS.ProcessEnv, name: string, fallback: number, check: (n: number) => boolean, range: string): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!check(value)) throw new ScalingError('SCALING_ERR_OPTIONS', `${name}=${text}: must be ${range}`);
  return value;
}

/**
 * The settings from `env` (the variables in this module's table).
 * @param cores the machine's cores, the most CPU share a server may be given.
 * @throws ScalingError SCALING_ERR_OPTIONS for a value that is not a number in its range.
 */
export function scalingSettings(env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): ScalingSettings {
  const short = env['SCALING_SHORT'] === '1';
  const whole = (max: number) => (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= max;
  return {
    coresEach: number(env, 'SCALING_CORES', 0.1, (n) => n > 0 && n <= cores, `a number above 0 and at most ${cores}`),
    maxServers: number(env, 'SCALING_MAX_SERVERS', short ? 2 : 4, whole(16), 'a whole number from 1 to 16'),
    botsPerServer: number(env, 'SCALING_BOTS_PER_SERVER', 10, whole(1_000), 'a whole number from 1 to 1000'),
    // Logins spread over the ramp, so that the gates' load reports follow them (scaling-step.ts).
    rampMs: short ? 2_000 : 5_000,
    // A server held to a tenth of a core levels off some 20 s after it starts (its code compiled).
    settleMs: short ? 4_000 : 15_000,
    durationMs: number(env, 'SCALING_SECONDS', short ? 4 : 10, whole(3_600), 'a whole number of seconds from 1 to 3600') * 1_000,
  };
}

/** The steps of a run: every count of lobbies, then every count of gates. */
export function scalingSteps(settings: ScalingSettings, cores = availableParallelism()): StepPlan[] {
  const { coresEach, maxServers, botsPerServer, rampMs, settleMs, durationMs } = settings;
  const counts = Array.from({ length: maxServers }, (_, i) => i + 1);
  const step = (capped: StepPlan['capped'], n: number): StepPlan => ({
    capped,
    gates: capped === 'gate' ? n : FIXED_GATES,
    lobbies: n,
    coresEach,
    bots: botsPerServer * n,
    // Every core plays bots: they must not be what holds the rate back.
    workers: Math.min(cores, botsPerServer * n),
    rampMs,
    settleMs,
    durationMs,
  });
  return [...counts.map((n) => step('lobby', n)), ...counts.map((n) => step('gate', n))];
}
