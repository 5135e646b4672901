/**
 * Redis (the gates' online index) stopped for 30 s under players who buy all along: they keep
 * playing, a new login is refused by the gate with a clear code (docs/faults.md), nothing
 * crashes, and once Redis is back logins work again and every player is in the index again.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../fixtures/cluster-of-processes.js';
import { startFaultCluster, type FaultCluster } from './fixtures/fault-cluster.js';
import { closedConnections, failuresBetween, total } from './fixtures/fault-figures.js';
import { tryLogin } from './fixtures/fault-login.js';
import { startFaultPlayers } from './fixtures/fault-players.js';

const BOTS = 6;
const OUTAGE_MS = 30_000;

describe('fault: Redis stopped for 30 s', () => {
  let faults: FaultCluster;

  beforeAll(async () => {
    faults = await startFaultCluster({ name: `faults-redis-${process.pid}` });
  }, 180_000);

  afterAll(async () => {
    await faults?.stop();
  }, 120_000);

  it('keeps the players in, refuses new logins with a clear code, crashes nothing, and logs in again once it returns', async () => {
    const players = await startFaultPlayers(faults.cluster.loginUrl, BOTS);
    const processes = faults.cluster.all();
    const downAt = Date.now();
    await faults.redis.halt();
    const refusals: Record<string, number> = {};
    for (let i = 0; Date.now() - downAt < OUTAGE_MS; i++) {
      const outcome = await tryLogin(faults.cluster.loginUrl, `late-${i}`);
      refusals[outcome] = (refusals[outcome] ?? 0) + 1;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    await faults.redis.restart();
    const upAt = Date.now();
    let attempt = 0;
    await waitUntil('a new login', async () => (await tryLogin(faults.cluster.loginUrl, `back-${attempt++}`)) === 'ok', 60_000, 500);
    const loginMs = Date.now() - upAt;
    await players.acknowledged(1, Date.now(), 60_000);
    const redis = new Redis(faults.redis.url, { maxRetriesPerRequest: 1 });
    try {
      // Redis kept nothing (no persistence): the gates' upkeep writes their players' entries again.
      const keys = (await players.uids()).map((uid) => `${faults.cluster.redisPrefix}online:${uid}`);
      await waitUntil('every player in the online index again', async () => (await redis.exists(...keys)) === keys.length, 60_000, 500);
    } finally {
      redis.disconnect();
    }
    const stoppedAt = Date.now();
    const { summary, lines } = await players.stop();
    const failed = failuresBetween(lines, downAt, upAt);
    console.log(
      `fault redis: logins during the outage ${JSON.stringify(refusals)}, a login worked ${(loginMs / 1_000).toFixed(1)} s after it returned; ` +
        `players' requests failed during the outage ${total(failed)} ${JSON.stringify(failed)}; logins ${summary.totals.loginsOk}/${BOTS}`,
    );
    expect(processes.map((p) => p.child.exitCode ?? p.child.signalCode)).toEqual(processes.map(() => null));
    expect(closedConnections(lines, stoppedAt)).toEqual([]);
    expect(summary.totals.loginsOk).toBe(BOTS);
    // A purchase whose save outlasts criticalWaitMs on a busy machine is refused by the store's
    // code; Redis's absence fails nothing.
    expect(Object.keys(failed).filter((key) => !key.endsWith(' LOBBY_ERR_STORE'))).toEqual([]);
    expect(Object.keys(refusals)).toEqual(['GATE_ERR_UNAVAILABLE']);
  }, 300_000);
});
