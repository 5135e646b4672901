import { connect } from 'node:net';
import { MongoClient } from 'mongodb';

const PROBE_TIMEOUT_MS = 2_000;

/** Resolves when etcd at `url` reports itself healthy. */
export async function probeEtcd(url: string): Promise<void> {
  const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  const body = (await res.json()) as { health?: string };
  if (body.health !== 'true') throw new Error(`etcd health: ${JSON.stringify(body)}`);
}

/** Resolves when the Redis server at host:port answers PING with PONG. */
export function probeRedis(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setTimeout(PROBE_TIMEOUT_MS, () => socket.destroy(new Error('redis probe timed out')));
    socket.once('error', reject);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      if (data.toString('latin1').startsWith('+PONG')) resolve();
      else reject(new Error(`redis answered ${JSON.stringify(data.toString('latin1'))}`));
    });
  });
}

/** Resolves when a MongoDB-protocol server (FerretDB in the tests) answers `ping`. */
export async function probeMongo(url: string): Promise<void> {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: PROBE_TIMEOUT_MS,
    connectTimeoutMS: PROBE_TIMEOUT_MS,
  });
  try {
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close();
  }
}
