/**
 * The cluster on separate hosts (scripts/topology.sh: one network namespace per host, docs/topology.md)
 * keeps playing through failures of a host: bots on the client host play while it happens. Runs
 * only where network namespaces can be made (root on Linux), and says why when it does not.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from './gate/fixtures/cluster-of-processes.js';
import { startTopology, topologyUnavailable, type BotsRun, type Topology } from './fixtures/topology.js';
import type { RunSummary } from './client-sim/bots/run-summary.js';

const ECHO = 'client-sim/bots/fixtures/runner/echo-scenario.ts';
const BOTS = 20;
const SERVERS = 6; // the services, two gates and three lobbies
const unavailable = topologyUnavailable();
if (unavailable) console.warn(`cross-host tests not run: ${unavailable}`);

/** Progress lines the bots CLI has printed (one every 5 s with `--progress lines`). */
const progressLines = (bots: BotsRun): number => bots.output().split('\n').filter((line) => / connected, .* req\/s/.test(line)).length;

describe.skipIf(unavailable !== undefined)('a cluster on separate hosts', () => {
  let topology: Topology;

  beforeAll(async () => {
    topology = await startTopology({
      // Light password hashing: twenty logins at once on a loaded machine.
      args: ['--login.scrypt.N', '16', '--login.scrypt.r', '1', '--login.scrypt.p', '1'],
    });
  }, 360_000);

  afterAll(async () => {
    await topology?.down();
  }, 120_000);

  /** The servers the services host sees registered in etcd. */
  const view = async (): Promise<number> => {
    const res = await fetch(`${topology.loginUrl}/ready`);
    return ((await res.json()) as { load: { clusterServers: number } }).load.clusterServers;
  };

  it('keeps every bot connected and every server in view while one etcd member is killed and brought back', async () => {
    const out = join(topology.logDir, 'bots-etcd-member');
    const bots = topology.runBots(ECHO, ['--bots', String(BOTS), '--ramp', '2s', '--duration', '40s', '--progress', 'lines', '--workers', '1', '--out', out]);
    await waitUntil('every bot connected', () => bots.output().includes(`${BOTS}/${BOTS} connected`), 120_000, 200);
    expect(await view()).toBe(SERVERS);

    const views: number[] = [];
    let stopped = false;
    const watching = (async () => {
      while (!stopped) {
        views.push(await view().catch(() => -1));
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    // etcd-1 is first in every server's list of etcd hosts, the one their clients reach first.
    await topology.stop('etcd-1');
    const atKill = progressLines(bots);
    // Down for two progress lines of play (5 to 10 s): longer than the membership lease (2 s), renewed meanwhile through the others.
    await waitUntil('bots playing with etcd-1 down', () => progressLines(bots) >= atKill + 2, 60_000, 200);
    await topology.start('etcd-1');
    const atReturn = progressLines(bots);
    await waitUntil('bots playing with etcd-1 back', () => progressLines(bots) >= atReturn + 1, 60_000, 200);
    stopped = true;
    await watching;

    const { code, output } = await bots.done;
    expect(code, output).toBe(0);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.totals.loginsOk).toBe(BOTS);
    expect(summary.totals.errors).toBe(0);
    expect(summary.checks['said goodbye']).toEqual({ pass: BOTS, fail: 0 });
    expect(views.length).toBeGreaterThan(0);
    expect(views.filter((n) => n !== SERVERS)).toEqual([]);
  }, 300_000);

  it('takes a lobby host cut off for longer than the lease out of the view, rebinds its players elsewhere, and takes it back when its link returns', async () => {
    const out = join(topology.logDir, 'bots-lobby-cut');
    const bots = topology.runBots(ECHO, ['--bots', String(BOTS), '--ramp', '2s', '--duration', '40s', '--progress', 'lines', '--workers', '1', '--out', out]);
    await waitUntil('every bot connected', () => bots.output().includes(`${BOTS}/${BOTS} connected`), 120_000, 200);
    expect(await view()).toBe(SERVERS);

    await topology.cut('lobby-1');
    await waitUntil('lobby-1 out of the view once its lease lapsed', async () => (await view()) === SERVERS - 1, 60_000, 200);
    const atCut = progressLines(bots);
    await waitUntil('bots playing with lobby-1 cut off', () => progressLines(bots) >= atCut + 1, 60_000, 200);
    await topology.restore('lobby-1');
    await waitUntil('lobby-1 registered again', async () => (await view()) === SERVERS, 60_000, 200);

    const { code, output } = await bots.done;
    expect(code, output).toBe(0);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.totals.loginsOk).toBe(BOTS);
    expect(summary.checks['said goodbye']).toEqual({ pass: BOTS, fail: 0 });
  }, 300_000);
});
