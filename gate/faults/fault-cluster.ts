/**
 * The fault suite's cluster: its own etcd, Redis and FerretDB (never the shared ones: the suite
 * stops them), a login service, two gates and two lobbies of the inventory example as processes
 * (cluster-of-processes.ts), and the avatars' stored inventories read back with the mongodb driver.
 */
import { MongoClient } from 'mongodb';
import type { RunningServer } from '../../engine/testing/server-process.js';
import { startEtcd, startFerretDB, startRedis } from '../../engine/testing/test-servers.js';
import { login, register } from '../../client-sim/login.js';
import { startProcessCluster, waitUntil, type ProcessCluster } from '../fixtures/cluster-of-processes.js';

/** Settings of {@link startFaultCluster}. */
export interface FaultClusterOptions {
  /** Names the etcd prefix and the database. */
  name: string;
  /** Flags every process gets after the suite's own. */
  extraArgs?: readonly string[];
  /**
   * Membership lease in seconds (default 5: a 2-core machine running the suite with its bots can
   * starve a keep-alive for a second or two, and a lease lost that way is a fault of its own).
   */
  leaseTtlSeconds?: number;
}

/** A running fault cluster. */
export interface FaultCluster {
  etcd: RunningServer;
  redis: RunningServer;
  ferretdb: RunningServer;
  cluster: ProcessCluster;
  /**
   * The items stored in each player's avatar, read from the store (not through the servers).
   * @returns by uid; a uid whose avatar is not stored is left out.
   */
  storedItems(uids: readonly string[]): Promise<Map<string, string[]>>;
  /** Stops the cluster's processes, then its servers. */
  stop(): Promise<void>;
}

/**
 * What a process's /health says it holds (`load`: `gateSessions`, `lobbySessions`, `saveQueue`…).
 * @returns undefined when it does not answer.
 */
export async function serverLoad(healthUrl: string): Promise<Record<string, number> | undefined> {
  const res = await fetch(healthUrl).catch(() => undefined);
  if (!res?.ok) return undefined;
  return ((await res.json()) as { load?: Record<string, number> }).load;
}

/** What an avatar of the inventory example looks like in the store. */
interface AvatarRow {
  _id: string;
  components?: { Inventory?: { items?: string[] } };
}

/**
 * Starts the servers, then the processes (the inventory example, cheap password hashing, no login
 * rate limits), and resolves once a login is offered a gate.
 * @throws Error from a server or process that failed to start; what had started is stopped.
 */
export async function startFaultCluster(options: FaultClusterOptions): Promise<FaultCluster> {
  const servers = await Promise.allSettled([startEtcd(), startRedis(), startFerretDB()]);
  const running = servers.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = servers.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(running.map((s) => s.stop()));
    throw failed.reason;
  }
  const [etcd, redis, ferretdb] = running as [RunningServer, RunningServer, RunningServer];
  const stopServers = () => Promise.all(running.map((s) => s.stop())).then(() => undefined);
  let cluster: ProcessCluster;
  try {
    cluster = await startProcessCluster({
      name: options.name,
      etcdUrl: etcd.url,
      mongoUrl: ferretdb.url,
      redisUrl: redis.url,
      leaseTtlSeconds: options.leaseTtlSeconds ?? 5,
      extraArgs: [
        '--game', 'examples/inventory',
        '--login.scrypt.N', '16', '--login.scrypt.r', '1', '--login.scrypt.p', '1',
        '--login.rateLimit.exempt', '127.0.0.1',
        ...(options.extraArgs ?? []),
      ],
    });
  } catch (err) {
    await stopServers();
    throw err;
  }
  const started = cluster;
  try {
    await register(started.loginUrl, 'probe', 'probe-password');
    await waitUntil('a gate offered at login', () => login(started.loginUrl, 'probe', 'probe-password'), 30_000, 200);
  } catch (err) {
    await started.stop();
    await stopServers();
    throw err;
  }
  return {
    etcd,
    redis,
    ferretdb,
    cluster: started,
    storedItems: async (uids) => {
      const client = new MongoClient(ferretdb.url, { serverSelectionTimeoutMS: 10_000 });
      try {
        const rows = await client.db(started.database).collection<AvatarRow>('Avatar').find({ _id: { $in: uids.map((uid) => `avatar-${uid}`) } }).toArray();
        return new Map(rows.map((row) => [row._id.slice('avatar-'.length), row.components?.Inventory?.items ?? []]));
      } finally {
        await client.close();
      }
    },
    stop: async () => {
      // Servers a test stopped come back first, so that the processes can save and deregister.
      await started.stop();
      await stopServers();
    },
  };
}
