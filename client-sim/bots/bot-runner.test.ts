import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runBots, type BotRunOptions } from './bot-runner.js';
import { parseNetworkProfile } from './network-profile.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const base: BotRunOptions = {
  scenarioPath: 'client-sim/bots/fixtures/runner/echo-scenario.ts',
  cwd: ROOT,
  bots: 10,
  durationMs: 1_000,
  loginUrl: 'http://127.0.0.1:1',
  progress: 'none',
  report: false,
};

describe('runBots', () => {
  it('refuses options out of range with BOT_ERR_OPTIONS, before it starts anything', async () => {
    const cases: Array<[Partial<BotRunOptions>, RegExp]> = [
      [{ bots: 0 }, /bots must be an integer from 1 to 1000000, not 0/],
      [{ bots: 2.5 }, /bots must be an integer/],
      [{ workers: 11 }, /workers must be an integer from 1 to 10, not 11/],
      [{ durationMs: -1 }, /durationMs must be a finite number of ms >= 0/],
      [{ rampMs: Number.NaN }, /rampMs must be/],
      [{ stopGraceMs: Number.POSITIVE_INFINITY }, /stopGraceMs must be/],
      [{ loginRatePerSecond: 0 }, /loginRatePerSecond must be a finite number above 0/],
      [{ transport: 'udp' as BotRunOptions['transport'] }, /transport must be tcp, ws or kcp, not udp/],
      [{ loginUrl: 'ftp://example.com' }, /loginUrl "ftp:\/\/example.com" is not an http\(s\) URL/],
      [{ seed: -1 }, /seed must be an integer from 0 to 4294967295/],
      [{ networks: [parseNetworkProfile('bad,share=60%'), parseNetworkProfile('latency=50ms,share=60%')] }, /network shares add up to 120%/],
    ];
    for (const [options, message] of cases) {
      await expect(runBots({ ...base, ...options }), message.source).rejects.toMatchObject({ code: 'BOT_ERR_OPTIONS', message: expect.stringMatching(message) });
    }
  });

  it('stops at once with a signal that was aborted before the run, its workers ending before they start', async () => {
    const controller = new AbortController();
    controller.abort();
    const { summary, workerLoopDelayMs } = await runBots({ ...base, workers: 2, signal: controller.signal });
    expect(summary.ended).toBe('interrupted');
    expect(summary.passed).toBe(false);
    expect(summary.totals.loginsOk).toBe(0);
    expect(workerLoopDelayMs).toEqual([0, 0]);
  });

  it('refuses a scenario that does not load with BOT_ERR_SCENARIO, naming it', async () => {
    await expect(runBots({ ...base, scenarioPath: 'client-sim/bots/fixtures/runner/no-such-scenario.ts' })).rejects.toMatchObject({
      code: 'BOT_ERR_SCENARIO',
      message: expect.stringContaining('no-such-scenario.ts: no such file'),
    });
  });
});
