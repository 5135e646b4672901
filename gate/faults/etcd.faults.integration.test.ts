/**
 * etcd stopped for 30 s under players who buy all along: every lease runs out meanwhile, yet no
 * player is disconnected or rebound, no process drops another from its view of the cluster, and
 * once etcd is back every process registers again and is ready.
 */
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../fixtures/cluster-of-processes.js';
import { serverLoad, startFaultCluster, type FaultCluster } from './fixtures/fault-cluster.js';
import { closedConnections, failuresBetween, total } from './fixtures/fault-figures.js';
import { startFaultPlayers } from './fixtures/fault-players.js';

const BOTS = 6;
const OUTAGE_MS = 30_000;
/** Log lines of a server leaving a view. */
const DEPARTURES = ['gate: lobby left; rebinding its sessions', 'lobby: gate left; its sessions closed', 'gate: online entries of a departed gate removed'];

describe('fault: etcd stopped for 30 s', () => {
  let faults: FaultCluster;

  beforeAll(async () => {
    faults = await startFaultCluster({ name: `faults-etcd-${process.pid}` });
  }, 180_000);

  afterAll(async () => {
    await faults?.stop();
  }, 120_000);

  it('disconnects nobody, drops no server from any view, and registers everything again when it returns', async () => {
    const players = await startFaultPlayers(faults.cluster.loginUrl, BOTS);
    const processes = faults.cluster.all();
    const views = async () => Promise.all(processes.map(async (p) => (await serverLoad(p.ready.http))?.clusterServers));
    expect(await views()).toEqual(processes.map(() => processes.length));
    const downAt = Date.now();
    await faults.etcd.halt();
    let smallestView = processes.length;
    const figures = { registeredMs: 0 };
    while (Date.now() - downAt < OUTAGE_MS) {
      for (const seen of await views()) smallestView = Math.min(smallestView, seen ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await faults.etcd.restart();
    const upAt = Date.now();
    const etcd = new Etcd3({ hosts: faults.etcd.url });
    const registered = () => etcd.getAll().prefix(`${faults.cluster.prefix}servers/`).keys();
    const count = (text: string) => processes.reduce((n, p) => n + p.output().split('\n').filter((l) => l.includes(text)).length, 0);
    try {
      // Each process that lost its lease says it registered again, and etcd lists every server.
      await waitUntil('every server registered again', async () => {
        const again = count('server registered again');
        return again > 0 && again >= count('discovery lease lost; registering again') && (await registered()).length === processes.length;
      }, 90_000, 250);
      const registeredMs = Date.now() - upAt;
      await players.acknowledged(1, Date.now(), 60_000);
      for (const seen of await views()) smallestView = Math.min(smallestView, seen ?? 0);
      // Played on for a while since: the servers' keys live on new leases.
      expect((await registered()).length).toBe(processes.length);
      figures.registeredMs = registeredMs;
    } finally {
      etcd.close();
    }
    const stoppedAt = Date.now();
    const { summary, lines } = await players.stop();
    const failed = failuresBetween(lines, downAt, upAt);
    const logs = processes.map((p) => p.output()).join('\n');
    const lost = count('discovery lease lost; registering again');
    console.log(
      `fault etcd: ${lost} leases lost, every server registered again ${(figures.registeredMs / 1_000).toFixed(1)} s after it returned; smallest view ${smallestView} of ${processes.length} servers; ` +
        `requests failed during the outage ${total(failed)} ${JSON.stringify(failed)}; rebinds ${lines.filter((l) => l.kind === 'rebound').length}; logins ${summary.totals.loginsOk}/${BOTS}`,
    );
    expect(closedConnections(lines, stoppedAt)).toEqual([]);
    expect(lines.filter((l) => l.kind === 'rebound')).toEqual([]);
    expect(summary.totals.loginsOk).toBe(BOTS);
    expect(smallestView).toBe(processes.length);
    expect(DEPARTURES.filter((line) => logs.includes(line))).toEqual([]);
    // A purchase whose save outlasts criticalWaitMs on a busy machine is refused by the store's
    // code; etcd's absence fails nothing.
    expect(Object.keys(failed).filter((key) => !key.endsWith(' LOBBY_ERR_STORE'))).toEqual([]);
  }, 300_000);
});
