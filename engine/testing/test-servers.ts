/**
 * Real etcd, Redis and FerretDB processes on loopback for the tests and benchmarks.
 * Each runs in its own temporary folder on free ports and is stopped by `stop()`.
 */
import { checkFerretdbBuild } from './ferretdb-build.js';
import { findBinary } from './find-binary.js';
import { freePort } from './free-port.js';
import { probeEtcd, probeMongo, probeRedis } from './probes.js';
import { startServerProcess, type RunningServer, type ServerSpec } from './server-process.js';

const HOST = '127.0.0.1';
const START_ATTEMPTS = 3;

// A free port can be taken between asking and binding; a fresh pair of ports usually settles it.
async function startWithRetry(build: () => Promise<ServerSpec>): Promise<RunningServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    try {
      return await startServerProcess(await build());
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

/** The arguments of etcd member `name`, serving clients at `url` and peers at `peer`, in a cluster of `initialCluster` (`name=peer,...`). */
function etcdMemberArgs(name: string, dataDir: string, url: string, peer: string, initialCluster: string): string[] {
  return [
    '--name', name,
    '--data-dir', dataDir,
    '--listen-client-urls', url,
    '--advertise-client-urls', url,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', initialCluster,
    '--log-level', 'error',
    '--logger', 'zap',
  ];
}

/** Starts a single-member etcd cluster. */
export function startEtcd(): Promise<RunningServer> {
  const binary = findBinary('etcd');
  return startWithRetry(async () => {
    const clientPort = await freePort();
    const peerPort = await freePort();
    const url = `http://${HOST}:${clientPort}`;
    const peer = `http://${HOST}:${peerPort}`;
    return {
      name: 'etcd',
      binary,
      url,
      args: (dataDir) => etcdMemberArgs('test', dataDir, url, peer, `test=${peer}`),
      probe: () => probeEtcd(url),
    };
  });
}

/**
 * Starts an etcd cluster of `size` members on loopback (all at once: none is healthy before a
 * quorum has formed). Each member keeps its data folder across `halt()` and `restart()`, so a
 * restarted member rejoins the cluster.
 * @returns the members, in the order of their names (`etcd-1`, `etcd-2`, ...).
 * @throws Error with a member's last output lines when the cluster does not form.
 */
export async function startEtcdCluster(size = 3): Promise<RunningServer[]> {
  const binary = findBinary('etcd');
  let lastError: unknown;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const ports = new Set<number>();
    while (ports.size < 2 * size) ports.add(await freePort());
    const [clientPorts, peerPorts] = [[...ports].slice(0, size), [...ports].slice(size)];
    const names = clientPorts.map((_, i) => `etcd-${i + 1}`);
    const initialCluster = names.map((name, i) => `${name}=http://${HOST}:${peerPorts[i]}`).join(',');
    const token = `tessera-test-${clientPorts[0]}`;
    const started = await Promise.allSettled(
      names.map((name, i) => {
        const url = `http://${HOST}:${clientPorts[i]}`;
        const peer = `http://${HOST}:${peerPorts[i]}`;
        return startServerProcess({
          name,
          binary,
          url,
          args: (dataDir) => [...etcdMemberArgs(name, dataDir, url, peer, initialCluster), '--initial-cluster-state', 'new', '--initial-cluster-token', token],
          probe: () => probeEtcd(url),
        });
      }),
    );
    const members = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    if (members.length === size) return members;
    await Promise.all(members.map((m) => m.stop()));
    lastError = started.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
  }
  throw lastError;
}

/** Starts a Redis server without persistence. */
export function startRedis(): Promise<RunningServer> {
  const binary = findBinary('redis');
  return startWithRetry(async () => {
    const port = await freePort();
    return {
      name: 'redis',
      binary,
      url: `redis://${HOST}:${port}`,
      args: (dataDir) => [
        '--port', String(port),
        '--bind', HOST,
        '--dir', dataDir,
        '--save', '',
        '--appendonly', 'no',
        '--loglevel', 'warning',
      ],
      probe: () => probeRedis(HOST, port),
    };
  });
}

/** Starts FerretDB v1 (setup.sh's build) on its embedded SQLite backend, telemetry and debug listener off. */
export function startFerretDB(): Promise<RunningServer> {
  const binary = findBinary('ferretdb');
  checkFerretdbBuild(binary);
  return startWithRetry(async () => {
    const port = await freePort();
    const url = `mongodb://${HOST}:${port}/`;
    return {
      name: 'ferretdb',
      binary,
      url,
      args: (dataDir) => [
        '--handler=sqlite',
        `--sqlite-url=file:${dataDir}/`,
        `--state-dir=${dataDir}`,
        `--listen-addr=${HOST}:${port}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=warn',
      ],
      probe: () => probeMongo(url),
    };
  });
}
