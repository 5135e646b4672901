/**
 * The command line of `npm run soak`:
 *
 * ```
 * npm run soak -- --minutes N --bots M [--game examples/arena] [--scenario PATH] [--sample 10s]
 *   [--ramp 50s] [--transport tcp|ws|kcp] [--workers W] [--login-rate R] [--seed S] [--out DIR]
 * ```
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BotError } from '../errors.js';
import { parseDuration } from '../parse-duration.js';
import type { SoakOptions } from './run-soak.js';

/** What a soak runs: the options of `runSoak` that the command line sets. */
export type SoakArgs = Omit<SoakOptions, 'signal' | 'settleMs' | 'log' | 'clock'>;

/** The game a soak runs when none is named. */
export const DEFAULT_SOAK_GAME = 'examples/arena';
/** Time between two samples of the server unless `--sample` says otherwise. */
export const DEFAULT_SAMPLE_MS = 10_000;
// The default ramp: a second per this many bots, at least MIN_RAMP_MS (under the runner's default login rate of 50/s).
const BOTS_PER_RAMP_SECOND = 40;
const MIN_RAMP_MS = 5_000;
// A sample costs the server a full collection: not more often than this.
const MIN_SAMPLE_MS = 1_000;
// Samples kept in memory and in the report, at most.
const MAX_SAMPLES = 20_000;

/**
 * Reads the soak's command line (`process.argv.slice(2)`). Without `--scenario`, the game's
 * `scenarios/` folder must hold one scenario, or a `play.ts` among several.
 * @param cwd the folder relative paths are read from (default the working directory).
 * @throws BotError BOT_ERR_OPTIONS for a missing, unknown or out-of-range option, or a game with no scenario to pick.
 */
export function parseSoakArgs(argv: readonly string[], cwd = process.cwd()): SoakArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        minutes: { type: 'string' },
        bots: { type: 'string' },
        game: { type: 'string', default: DEFAULT_SOAK_GAME },
        scenario: { type: 'string' },
        sample: { type: 'string' },
        ramp: { type: 'string' },
        transport: { type: 'string' },
        workers: { type: 'string' },
        'login-rate': { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new BotError('BOT_ERR_OPTIONS', (err as Error).message);
  }
  if (values.minutes === undefined || values.bots === undefined) throw new BotError('BOT_ERR_OPTIONS', '--minutes and --bots are required');
  const minutes = number('--minutes', values.minutes, { min: 0.1, integer: false });
  const bots = number('--bots', values.bots, { min: 1 });
  const sampleMs = values.sample === undefined ? DEFAULT_SAMPLE_MS : duration('--sample', values.sample);
  if (sampleMs < MIN_SAMPLE_MS) throw new BotError('BOT_ERR_OPTIONS', `--sample must be at least ${MIN_SAMPLE_MS / 1000}s, got ${values.sample}`);
  const rampMs = values.ramp === undefined ? Math.max(MIN_RAMP_MS, Math.ceil(bots / BOTS_PER_RAMP_SECOND) * 1000) : duration('--ramp', values.ramp);
  if ((minutes * 60_000 + rampMs) / sampleMs > MAX_SAMPLES) throw new BotError('BOT_ERR_OPTIONS', `more than ${MAX_SAMPLES} samples: raise --sample`);
  const transport = values.transport;
  if (transport !== undefined && transport !== 'tcp' && transport !== 'ws' && transport !== 'kcp') throw new BotError('BOT_ERR_OPTIONS', `--transport must be tcp, ws or kcp, not ${transport}`);
  return {
    minutes,
    bots,
    game: values.game,
    scenarioPath: values.scenario ?? defaultScenario(values.game, cwd),
    sampleMs,
    rampMs,
    ...(transport === undefined ? {} : { transport }),
    ...(values.workers === undefined ? {} : { workers: number('--workers', values.workers, { min: 1 }) }),
    ...(values['login-rate'] === undefined ? {} : { loginRatePerSecond: number('--login-rate', values['login-rate'], { min: 1 }) }),
    ...(values.seed === undefined ? {} : { seed: number('--seed', values.seed, { min: 0 }) }),
    ...(values.out === undefined ? {} : { outDir: values.out }),
  };
}

/** The scenario a soak of `game` runs when none is named; see {@link parseSoakArgs}. */
export function defaultScenario(game: string, cwd: string): string {
  const folder = resolve(cwd, game, 'scenarios');
  let names: string[];
  try {
    names = readdirSync(folder).filter((n) => /\.[cm]?[jt]s$/.test(n) && !/\.test\.[cm]?[jt]s$/.test(n) && !n.endsWith('.d.ts'));
  } catch {
    throw new BotError('BOT_ERR_OPTIONS', `${game} has no scenarios/ folder: name one with --scenario`);
  }
  const play = names.find((n) => /^play\.[cm]?[jt]s$/.test(n));
  if (play) return join(game, 'scenarios', play);
  if (names.length === 1) return join(game, 'scenarios', names[0]!);
  throw new BotError('BOT_ERR_OPTIONS', `${game}/scenarios holds ${names.length ? names.join(', ') : 'no scenario'}: name one with --scenario`);
}

function number(flag: string, text: string, rule: { min: number; integer?: boolean }): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < rule.min || (rule.integer !== false && !Number.isInteger(v))) {
    throw new BotError('BOT_ERR_OPTIONS', `${flag} must be ${rule.integer === false ? 'a number' : 'an integer'} of at least ${rule.min}, got ${text}`);
  }
  return v;
}

function duration(flag: string, text: string): number {
  try {
    return parseDuration(text);
  } catch (err) {
    throw new BotError('BOT_ERR_OPTIONS', `${flag}: ${(err as Error).message}`);
  }
}
