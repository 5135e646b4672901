/**
 * `npm run soak -- --minutes N --bots M [--game examples/arena] [--scenario PATH] [--sample 10s]
 * [--ramp 50s] [--transport tcp|ws|kcp] [--workers W] [--login-rate R] [--seed S] [--out DIR]`:
 * starts a standalone server of its own, has M bots play the scenario against it for N minutes
 * after the ramp, samples the server's memory every `--sample`, and writes the report (with the
 * memory plot and verdict) to a folder it prints. One plain line per sample.
 *
 * Exit code: 0 passed; 1 memory did not level off, sessions were left, or a check or objective
 * failed; 2 bad usage or a crash; 130 interrupted (Ctrl-C; a second Ctrl-C exits at once).
 */
import { BotError } from './errors.js';
import { parseSoakArgs } from './soak/soak-args.js';
import { runSoak } from './soak/run-soak.js';

async function main(): Promise<number> {
  let args;
  try {
    args = parseSoakArgs(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof BotError ? err.message : String(err));
    console.error('usage: npm run soak -- --minutes N --bots M [--game examples/arena] [--scenario PATH] [--sample 10s] [--ramp 50s] [--transport tcp|ws|kcp] [--workers W] [--login-rate R] [--seed S] [--out DIR]');
    return 2;
  }
  const stop = new AbortController();
  const onSignal = (): void => {
    // The second one: the server child stops too, told by its IPC channel closing.
    if (stop.signal.aborted) process.exit(130);
    console.log('soak: stopping (Ctrl-C again to exit at once)');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const { summary, folder } = await runSoak({ ...args, signal: stop.signal });
  console.log(`soak: report in ${folder}`);
  for (const failure of summary.failures) console.log(`soak: FAILED ${failure}`);
  if (summary.ended === 'interrupted') return 130;
  return summary.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`soak failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
