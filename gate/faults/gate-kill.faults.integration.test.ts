/**
 * A gate killed with SIGKILL while its players buy: their connections drop, they resume their
 * sessions on the other gate with the cluster-wide resume token (the same session, no new login),
 * and the first bag each is shown there holds every purchase acknowledged before the kill.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../fixtures/cluster-of-processes.js';
import { serverLoad, startFaultCluster, type FaultCluster } from './fixtures/fault-cluster.js';
import { acknowledgedItems, failuresBetween, missingItems, total } from './fixtures/fault-figures.js';
import { startFaultPlayers } from './fixtures/fault-players.js';

const BOTS = 6;

describe('fault: a gate killed with SIGKILL', () => {
  let faults: FaultCluster;

  beforeAll(async () => {
    faults = await startFaultCluster({ name: `faults-gate-${process.pid}` });
  }, 180_000);

  afterAll(async () => {
    await faults?.stop();
  }, 120_000);

  it('has its players resume their sessions on the other gate with no state lost', async () => {
    const players = await startFaultPlayers(faults.cluster.loginUrl, BOTS);
    await players.acknowledged(2, 0, 60_000);
    const sessions = await Promise.all(faults.cluster.gates.map(async (g) => (await serverLoad(g.ready.http))?.gateSessions ?? 0));
    const victim = sessions.indexOf(Math.max(...sessions));
    const victims = sessions[victim]!;
    const survivor = faults.cluster.gates[1 - victim]!;
    const killedAt = Date.now();
    await faults.cluster.gates[victim]!.stop('SIGKILL');

    // Each dropped player answered again on the session it had.
    const resumed = await waitUntil(`${victims} players resumed`, async () => {
      const lines = await players.lines();
      const drops = new Map<string, { t: number; session?: string }>();
      for (const l of lines) if (l.kind === 'closed' && l.t >= killedAt && !drops.has(l.uid)) drops.set(l.uid, { t: l.t, ...(l.session ? { session: l.session } : {}) });
      const back = new Map<string, { ms: number; same: boolean }>();
      for (const l of lines) {
        const drop = drops.get(l.uid);
        if (l.kind === 'resumed' && drop && l.t >= drop.t && !back.has(l.uid)) back.set(l.uid, { ms: l.t - drop.t, same: l.session === drop.session });
      }
      return drops.size >= victims && back.size >= drops.size && back;
    }, 120_000, 250);
    const resumedAt = killedAt + Math.max(...[...resumed.values()].map((r) => r.ms));
    await waitUntil('every resumed player shown its bag', async () => {
      const seen = new Set((await players.lines()).filter((l) => l.kind === 'seen' && l.t >= killedAt).map((l) => l.uid));
      return [...resumed.keys()].every((uid) => seen.has(uid));
    }, 60_000, 250);
    const onSurvivor = (await serverLoad(survivor.ready.http))?.gateSessions;
    const { summary, lines } = await players.stop();

    const before = acknowledgedItems(lines.filter((l) => l.t < killedAt));
    const shown = new Map(lines.filter((l) => l.kind === 'seen' && l.t >= killedAt).map((l) => [l.uid, l.items ?? []]));
    const lostOnScreen = missingItems(new Map([...before].filter(([uid]) => resumed.has(uid))), shown);
    const acknowledged = acknowledgedItems(lines);
    const lostInStore = missingItems(acknowledged, await faults.storedItems([...acknowledged.keys()]));
    const failed = failuresBetween(lines, killedAt, resumedAt);
    const times = [...resumed.values()].map((r) => r.ms).sort((a, b) => a - b);
    console.log(
      `fault gate SIGKILL: ${victims} players resumed on the other gate in ${(times[0]! / 1_000).toFixed(1)}–${(times[times.length - 1]! / 1_000).toFixed(1)} s (median ${(times[Math.floor(times.length / 2)]! / 1_000).toFixed(1)} s), ` +
        `${[...resumed.values()].filter((r) => r.same).length} on the same session; acknowledged purchases missing from their bags ${lostOnScreen.length}, from the store ${lostInStore.length}; ` +
        `requests failed meanwhile ${total(failed)} ${JSON.stringify(failed)}; logins ${summary.totals.loginsOk}/${BOTS}`,
    );
    expect([...resumed.values()].every((r) => r.same)).toBe(true);
    expect(onSurvivor).toBe(BOTS);
    expect(lostOnScreen).toEqual([]);
    expect(lostInStore).toEqual([]);
    expect(summary.totals.loginsOk).toBe(BOTS);
  }, 300_000);
});
