/**
 * `npm run bots -- <scenario> [options]`: plays a scenario with many bots against a server (bot-runner.ts),
 * shows the run live, writes its report folder and prints where.
 *
 * Options: `--bots N` (default 10), `--ramp 30s` (default 0), `--duration 5m` (default 1m),
 * `--transport tcp|ws|kcp` (default the scenario's, else tcp), `--login URL` (default
 * http://127.0.0.1:8080), `--workers W` (default one per 250 bots, at most one per core),
 * `--login-rate R` logins per second (default 50), `--network SPEC` (repeatable: a bad network for a
 * share of the bots, e.g. `bad,share=20%` or `latency=150ms,jitter=20ms,loss=5%,share=50%`), `--seed S`, `--out DIR`, `--stop-grace 5s`,
 * `--progress tty|lines|none` (default tty on a terminal, else lines), `--no-report`.
 *
 * Exit code: 0 when every check and objective passed, 1 when one failed, 2 for bad usage or a run
 * that could not go on, 130 when interrupted. Ctrl-C (SIGINT, SIGTERM) stops the run cleanly; a
 * second one leaves at once.
 */
import { parseArgs } from 'node:util';
import { runBots, type BotRunOptions } from './bot-runner.js';
import { parseNetworkProfiles } from './network-profile.js';
import { parseDuration } from './parse-duration.js';
import { BUSY_WORKER_MS, type ProgressMode } from './progress-display.js';
import { summaryLines } from './summary-lines.js';

const USAGE =
  'usage: npm run bots -- <scenario.ts> [--bots N] [--ramp 30s] [--duration 5m] [--transport tcp|ws|kcp] [--login URL] ' +
  '[--workers W] [--login-rate R] [--network SPEC]... [--seed S] [--out DIR] [--stop-grace 5s] [--progress tty|lines|none] [--no-report]';

/** Exit codes. */
const EXIT = { passed: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** A number option: NaN for text that is not one, which the runner refuses with a clear message. */
function number(text: string | undefined): number | undefined {
  return text === undefined ? undefined : text.trim() === '' ? Number.NaN : Number(text);
}

/** The runner's options from the command line. @throws Error (usage) for what cannot be read. */
function readOptions(argv: string[], signal: AbortSignal): BotRunOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      bots: { type: 'string', default: '10' },
      ramp: { type: 'string', default: '0' },
      duration: { type: 'string', default: '1m' },
      transport: { type: 'string' },
      login: { type: 'string', default: 'http://127.0.0.1:8080' },
      workers: { type: 'string' },
      'login-rate': { type: 'string' },
      network: { type: 'string', multiple: true, default: [] },
      seed: { type: 'string' },
      out: { type: 'string' },
      'stop-grace': { type: 'string' },
      progress: { type: 'string' },
      'no-report': { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new Error(positionals.length === 0 ? 'name the scenario module' : `one scenario at a time, not ${positionals.join(' ')}`);
  if (values.progress !== undefined && !['tty', 'lines', 'none'].includes(values.progress)) throw new Error(`--progress must be tty, lines or none, not ${values.progress}`);
  return {
    scenarioPath: positionals[0]!,
    bots: number(values.bots)!,
    rampMs: parseDuration(values.ramp),
    durationMs: parseDuration(values.duration),
    loginUrl: values.login,
    ...(values.transport === undefined ? {} : { transport: values.transport as BotRunOptions['transport'] }),
    ...(values.workers === undefined ? {} : { workers: number(values.workers) }),
    ...(values['login-rate'] === undefined ? {} : { loginRatePerSecond: number(values['login-rate']) }),
    networks: parseNetworkProfiles(values.network),
    ...(values.seed === undefined ? {} : { seed: number(values.seed) }),
    ...(values.out === undefined ? {} : { outDir: values.out }),
    ...(values['stop-grace'] === undefined ? {} : { stopGraceMs: parseDuration(values['stop-grace']) }),
    ...(values.progress === undefined ? {} : { progress: values.progress as ProgressMode }),
    report: !values['no-report'],
    signal,
  };
}

async function main(): Promise<number> {
  const controller = new AbortController();
  let options: BotRunOptions;
  try {
    options = readOptions(process.argv.slice(2), controller.signal);
  } catch (err) {
    console.error(`bots: ${(err as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  let interrupts = 0;
  const onSignal = (): void => {
    if (++interrupts > 1) process.exit(EXIT.interrupted);
    console.error('stopping: bots finish and log out (Ctrl-C again to leave at once)');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { summary, folder, workerLoopDelayMs } = await runBots(options);
    for (const line of summaryLines(summary)) console.log(line);
    const busy = workerLoopDelayMs.some((ms) => ms > BUSY_WORKER_MS);
    console.log(
      `bot workers' event loops: worst p99 delay ${workerLoopDelayMs.map((ms) => `${ms} ms`).join(', ')}` +
        (busy ? ` (over ${BUSY_WORKER_MS} ms: the bots, not only the server, limit these figures; add cores or machines of bots)` : ''),
    );
    if (folder) console.log(`report: ${folder}`);
    if (summary.ended === 'interrupted') return EXIT.interrupted;
    if (summary.ended === 'failed') return EXIT.usage;
    return summary.passed ? EXIT.passed : EXIT.failed;
  } catch (err) {
    console.error(`bots: ${(err as Error).message}`);
    return EXIT.usage;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

// The exit code is set, not forced: the process ends by itself once the run left nothing running.
void main().then((code) => (process.exitCode = code));
