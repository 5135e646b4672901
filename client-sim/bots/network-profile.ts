/**
 * Bad networks for bots: what a `--network` option says (latency, jitter, loss, a bandwidth cap,
 * and the share of bots behind it), and which bots of a run get which network. The link itself is
 * emulated by client-sim/emulated-link (see docs/bad-networks.md).
 *
 * A spec is a comma-separated list: an optional preset first, then `key=value` items that set or
 * override its values, e.g. `bad,share=20%` or
 * `latency=150ms,jitter=20ms,loss=5%,bandwidth=256KB/s,share=50%,label=mobile`.
 */
import { SeededRandom } from '../../engine/net/emulator/seeded-random.js';
import { BotError } from './errors.js';

/** A network some bots of a run play behind. Each effect applies to each direction on its own. */
export interface NetworkProfile {
  /** The share of the run's bots behind it, more than 0 and at most 1. */
  share: number;
  /** One-way delay in ms: a round trip takes at least twice this. */
  latencyMs: number;
  /** Extra one-way delay per packet, uniform in [0, jitterMs). */
  jitterMs: number;
  /** Probability that a datagram is lost, 0 to 1; KCP only (TCP and WebSocket do not lose bytes). */
  lossRate: number;
  /** Rate of each direction in bytes per second; unlimited when absent. */
  bandwidthBytesPerSecond?: number;
  /** Its name in the progress display and the report. */
  label: string;
}

/** The named networks a spec may start with. */
export const NETWORK_PRESETS: Readonly<Record<string, Readonly<Omit<NetworkProfile, 'share' | 'label'>>>> = Object.freeze({
  /** A poor mobile or long-distance connection: 150 ms each way, up to 20 ms of jitter, 5% loss. */
  bad: Object.freeze({ latencyMs: 150, jitterMs: 20, lossRate: 0.05 }),
});

// Bandwidth units, as written after the number. Bytes in SI (KB = 1,000) and binary (KiB = 1,024) steps, and bits.
const BANDWIDTH_UNITS: Readonly<Record<string, number>> = {
  'B/s': 1,
  'KB/s': 1_000,
  'kB/s': 1_000,
  'MB/s': 1_000_000,
  'KiB/s': 1_024,
  'MiB/s': 1_048_576,
  'kbit/s': 125,
  'Mbit/s': 125_000,
  'Gbit/s': 125_000_000,
};

const KEYS = ['latency', 'jitter', 'loss', 'bandwidth', 'share', 'label'] as const;

/**
 * Reads one `--network` spec. Times take `ms` or `s` (a bare number is ms), rates and shares `%`
 * or a fraction, the bandwidth one of B/s, KB/s, kB/s, MB/s, KiB/s, MiB/s, kbit/s, Mbit/s, Gbit/s.
 * Defaults: share 100%, no delay, no loss, no cap; the label is the spec without its share.
 * @throws BotError BOT_ERR_OPTIONS naming the item that is not understood or out of range.
 */
export function parseNetworkProfile(spec: string): NetworkProfile {
  const items = spec.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) throw bad(spec, 'has an empty item');
  let values: Omit<NetworkProfile, 'share' | 'label'> = { latencyMs: 0, jitterMs: 0, lossRate: 0 };
  let label: string | undefined;
  let share = 1;
  items.forEach((item, i) => {
    const eq = item.indexOf('=');
    if (eq < 0) {
      const preset = Object.hasOwn(NETWORK_PRESETS, item) ? NETWORK_PRESETS[item] : undefined;
      if (i > 0 || preset === undefined) {
        throw bad(spec, `"${item}" is not key=value${i === 0 ? ` nor a preset (${Object.keys(NETWORK_PRESETS).join(', ')})` : ''}`);
      }
      values = { ...preset };
      return;
    }
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    switch (key) {
      case 'latency':
        values.latencyMs = time(spec, key, value);
        break;
      case 'jitter':
        values.jitterMs = time(spec, key, value);
        break;
      case 'loss':
        values.lossRate = fraction(spec, key, value, true);
        break;
      case 'share':
        share = fraction(spec, key, value, false);
        break;
      case 'bandwidth':
        values.bandwidthBytesPerSecond = bandwidth(spec, value);
        break;
      case 'label':
        if (value === '') throw bad(spec, 'label is empty');
        label = value;
        break;
      default:
        throw bad(spec, `"${key}" is not one of ${KEYS.join(', ')}`);
    }
  });
  return { share, ...values, label: label ?? (items.filter((item) => !item.startsWith('share=')).join(',') || 'clean') };
}

/**
 * Reads every `--network` spec of a run.
 * @throws BotError BOT_ERR_OPTIONS for a bad spec, or when the shares add up to more than 100%.
 */
export function parseNetworkProfiles(specs: readonly string[]): NetworkProfile[] {
  const profiles = specs.map(parseNetworkProfile);
  checkShares(profiles);
  return profiles;
}

/**
 * The network bot `botIndex` plays behind, or `undefined` for a clean one. Deterministic for a
 * seed: a bot's place in [0, 1) is a golden-ratio (Weyl) sequence started at a point drawn from
 * `seed`, and the profiles take consecutive slices of that interval by share. The sequence spreads
 * evenly, so any run of consecutive bots (the ones a ramp starts first) gets each profile in close
 * to its share, not only the whole run.
 * @param seed the run's seed, an integer from -2^31 to 2^32 - 1.
 * @throws BotError BOT_ERR_OPTIONS when the shares add up to more than 1.
 * @throws RangeError when `seed` is not such an integer.
 */
export function profileFor(botIndex: number, profiles: readonly NetworkProfile[], seed: number): NetworkProfile | undefined {
  if (profiles.length === 0) return undefined;
  checkShares(profiles);
  const start = new SeededRandom(seed).next();
  const place = (start + botIndex * GOLDEN_FRACTION) % 1;
  let upTo = 0;
  for (const profile of profiles) {
    upTo += profile.share;
    if (place < upTo) return profile;
  }
  return undefined;
}

/** A profile in words, for the progress display and the report: `bad (20% of bots): 150 ms + up to 20 ms jitter each way, 5% loss`. */
export function describeNetworkProfile(profile: NetworkProfile): string {
  const parts = [`${formatNumber(profile.latencyMs)} ms${profile.jitterMs > 0 ? ` + up to ${formatNumber(profile.jitterMs)} ms jitter` : ''} each way`];
  if (profile.lossRate > 0) parts.push(`${formatNumber(profile.lossRate * 100)}% loss (KCP)`);
  if (profile.bandwidthBytesPerSecond !== undefined) parts.push(`${formatNumber(profile.bandwidthBytesPerSecond / 1000)} KB/s`);
  return `${profile.label} (${formatNumber(profile.share * 100)}% of bots): ${parts.join(', ')}`;
}

// (sqrt(5) - 1) / 2: the step whose multiples leave the most even gaps in [0, 1) (three-gap theorem).
const GOLDEN_FRACTION = (Math.sqrt(5) - 1) / 2;
// Shares read from percentages do not always add up exactly (0.1 + 0.2).
const SHARE_SLACK = 1e-9;

function checkShares(profiles: readonly NetworkProfile[]): void {
  const total = profiles.reduce((sum, profile) => sum + profile.share, 0);
  if (total > 1 + SHARE_SLACK) {
    throw new BotError('BOT_ERR_OPTIONS', `network shares add up to ${formatNumber(total * 100)}%, more than 100% of the bots`);
  }
}

function bad(spec: string, what: string): BotError {
  return new BotError('BOT_ERR_OPTIONS', `network "${spec}" ${what}`);
}

function number(spec: string, key: string, text: string): number {
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value)) throw bad(spec, `${key} "${text}" is not a number >= 0`);
  return value;
}

function time(spec: string, key: string, value: string): number {
  const match = /^(.*?)(ms|s)?$/.exec(value)!;
  return number(spec, key, match[1]!) * (match[2] === 's' ? 1000 : 1);
}

function fraction(spec: string, key: string, value: string, zeroAllowed: boolean): number {
  const percent = value.endsWith('%');
  const result = number(spec, key, percent ? value.slice(0, -1) : value) / (percent ? 100 : 1);
  if (result > 1 || (!zeroAllowed && result === 0)) throw bad(spec, `${key} ${value} is not ${zeroAllowed ? 'from 0' : 'above 0 and up'} to 100%`);
  return result;
}

function bandwidth(spec: string, value: string): number {
  const match = /^([\d.]+)\s*(\S+)$/.exec(value);
  const unit = match !== null && Object.hasOwn(BANDWIDTH_UNITS, match[2]!) ? BANDWIDTH_UNITS[match[2]!] : undefined;
  if (match === null || unit === undefined) {
    throw bad(spec, `bandwidth "${value}" needs a unit: ${Object.keys(BANDWIDTH_UNITS).join(', ')}`);
  }
  const result = number(spec, 'bandwidth', match[1]!) * unit;
  if (!(result > 0)) throw bad(spec, 'bandwidth must be above 0');
  return result;
}

function formatNumber(value: number): string {
  return String(Math.round(value * 100) / 100);
}
