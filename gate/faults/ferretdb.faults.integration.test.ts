/**
 * FerretDB (the store) stopped for 30 s under players who buy all along: the lobbies keep the
 * changes and retry their saves, the players stay connected and keep playing, each lobby reports
 * its save queue on /health, and once the store is back every purchase acknowledged to a player
 * is in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../fixtures/cluster-of-processes.js';
import { serverLoad, startFaultCluster, type FaultCluster } from './fixtures/fault-cluster.js';
import { acknowledgedItems, closedConnections, failuresBetween, missingItems, refusedItems, total } from './fixtures/fault-figures.js';
import { startFaultPlayers } from './fixtures/fault-players.js';

const BOTS = 6;
const OUTAGE_MS = 30_000;

/** A lobby's `saveQueue` on /health, or undefined when it does not answer. */
async function saveQueue(healthUrl: string): Promise<number | undefined> {
  return (await serverLoad(healthUrl))?.saveQueue;
}

describe('fault: FerretDB stopped for 30 s', () => {
  let faults: FaultCluster;

  beforeAll(async () => {
    faults = await startFaultCluster({ name: `faults-ferretdb-${process.pid}` });
  }, 180_000);

  afterAll(async () => {
    await faults?.stop();
  }, 120_000);

  it('keeps the players playing, queues and reports the saves, and stores every acknowledged purchase once it is back', async () => {
    const players = await startFaultPlayers(faults.cluster.loginUrl, BOTS);
    const lobbies = faults.cluster.lobbies.map((l) => l.ready.http);
    const downAt = Date.now();
    await faults.ferretdb.halt();
    let maxQueued = 0;
    while (Date.now() - downAt < OUTAGE_MS) {
      const queues = await Promise.all(lobbies.map(saveQueue));
      maxQueued = Math.max(maxQueued, queues.reduce<number>((a, q) => a + (q ?? 0), 0));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    await faults.ferretdb.restart();
    const upAt = Date.now();
    // Saving resumes: the queues empty while the players go on buying.
    const queuedAfter = await waitUntil('the save queues empty', async () => {
      const queues = await Promise.all(lobbies.map(saveQueue));
      return queues.every((q) => q === 0) && queues;
    }, 90_000, 250);
    const drainedMs = Date.now() - upAt;
    await players.acknowledged(1, upAt, 90_000);
    const stoppedAt = Date.now();
    const { summary, lines } = await players.stop();
    const acknowledged = acknowledgedItems(lines);
    await waitUntil('every acknowledged purchase in the store', async () => missingItems(acknowledged, await faults.storedItems([...acknowledged.keys()])).length === 0, 60_000, 500);
    // Purchases refused during the outage were kept, and are saved once it is over.
    const kept = refusedItems(lines, 'LOBBY_ERR_STORE');
    const stored = await faults.storedItems([...kept.keys()]);
    const keptCount = [...kept.values()].flat().length;
    const recovered = keptCount - missingItems(kept, stored).length;
    const failed = failuresBetween(lines, downAt, upAt);
    console.log(
      `fault ferretdb: queued max ${maxQueued} saves, queue empty ${(drainedMs / 1_000).toFixed(1)} s after it returned; ` +
        `${recovered} of ${keptCount} purchases refused (LOBBY_ERR_STORE) and kept were stored after all, ${[...acknowledged.values()].flat().length} acknowledged all stored; ` +
        `requests failed during the outage ${total(failed)} ${JSON.stringify(failed)}; logins ${summary.totals.loginsOk}/${BOTS}`,
    );
    // The operator reads in the lobbies' logs that the claims lapsed and were taken again.
    const logs = faults.cluster.lobbies.map((l) => l.output()).join('\n');
    expect(logs).toContain('ownership claims lapsed before a renewal succeeded');
    expect(logs).toMatch(/lapsed ownership claim (taken again|renewed); saving resumes/);
    expect(closedConnections(lines, stoppedAt)).toEqual([]);
    expect(summary.totals.loginsOk).toBe(BOTS);
    expect(maxQueued).toBeGreaterThan(0);
    expect(queuedAfter).toEqual([0, 0]);
    expect(recovered).toBe(keptCount);
    // Only purchases wait for the store: every echo was answered, and purchases were refused with the store's code.
    expect(Object.keys(failed)).toEqual(keptCount > 0 ? ['Inventory.buy LOBBY_ERR_STORE'] : []);
  }, 300_000);
});
