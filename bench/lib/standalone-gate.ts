/**
 * A standalone server process (login service, gate and lobby in one process, as `npm start` runs
 * it) for the benchmarks that drive the gate end to end, with the worked example `inventory` as
 * its game (its `Echo.echo` is the route the benchmarks send), and authenticated clients for it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SigningKey } from '../../engine/auth/signing-key.js';
import { TokenIssuer } from '../../engine/auth/token-issuer.js';
import { startMain, type MainProcess, type ReadyInfo } from '../../engine/testing/main-process.js';
import { SystemClock } from '../../engine/timer/clock.js';
import type { GateClient } from '../../client-sim/gate-client.js';
import { connectGate } from '../../client-sim/node-client.js';

// Clients connect this many at a time: on a server pinned to one core, a thousand key exchanges
// at once outlast a handshake timeout.
const CONNECT_BATCH = 100;

/** A client transport of the gate. */
export type GateTransport = 'tcp' | 'ws' | 'kcp';

/** A running standalone server. */
export interface StandaloneGate {
  server: MainProcess;
  /** The gate's endpoints and identity key, as its `ready` line gives them. */
  gate: NonNullable<ReadyInfo['gate']>;
  /** Its process id, for pinning and CPU time. */
  pid: number;
  /** Issues login tokens the gate accepts. */
  issuer: TokenIssuer;
  /**
   * Connects `count` clients over `transport`, a hundred at a time, each authenticated as its own
   * player `<uidPrefix>-<i>`; handshakes and requests wait up to a minute for their answers.
   */
  connectPlayers(transport: GateTransport, count: number, uidPrefix: string): Promise<GateClient[]>;
  /** Stops the process and removes its files. */
  stop(): Promise<void>;
}

/**
 * Starts the server in a fresh temporary folder, with limits that let a thousand clients on
 * loopback connect at once and idle connections stay unauthenticated until measured.
 * @param nodeArgs options for Node itself (e.g. `--inspect`, `--cpu-prof`).
 * @param args more settings for the server, e.g. `['--metrics.enabled', 'false']`.
 */
export async function startStandaloneGate(nodeArgs: string[] = [], args: string[] = []): Promise<StandaloneGate> {
  const dir = await mkdtemp(join(tmpdir(), 'gate-bench-'));
  const key = await SigningKey.generate();
  await writeFile(join(dir, 'login.key'), await key.exportPrivatePem());
  await writeFile(join(dir, 'config.jsonc'), JSON.stringify({
    server: { role: 'standalone', host: '127.0.0.1' },
    cluster: { discovery: 'memory' },
    store: { backend: 'lmdb' },
    log: { level: 'info' },
    // Echo.echo, the route every client sends, is the worked example's.
    lobby: { game: 'examples/inventory' },
    // Every client connects from loopback, hundreds of handshakes at a time, to a server that may
    // have one core; the idle connections never authenticate, and must stay open until they are
    // measured.
    gate: { ratePerSecond: 1_000_000, rateBurst: 1_000_000, maxPending: 1_000, maxConnections: 50_000, maxPendingConnections: 10_000, maxPendingPerAddress: 10_000, handshakeTimeoutMs: 60_000, authTimeoutMs: 600_000 },
  }));
  const issuer = new TokenIssuer({ key, clock: new SystemClock(), ttlSec: 3_600 });
  let server: MainProcess;
  try {
    server = await startMain(
      [
        '--config', join(dir, 'config.jsonc'), '--http.port', '0', '--rpc.port', '0',
        '--gate.tcpPort', '0', '--gate.wsPort', '0', '--gate.kcpPort', '0', '--gate.identityKeyPath', join(dir, 'gate.key'),
        '--store.lmdb.path', join(dir, 'lmdb'), '--login.privateKeyPath', join(dir, 'login.key'),
        ...args,
      ],
      nodeArgs,
    );
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const gate = server.ready.gate!;
  return {
    server,
    gate,
    pid: server.child.pid!,
    issuer,
    connectPlayers: async (transport, count, uidPrefix) => {
      const clients: GateClient[] = [];
      for (let i = 0; i < count; i += CONNECT_BATCH) {
        const batch = Array.from({ length: Math.min(CONNECT_BATCH, count - i) }, async (_, j) => {
          const client = await connectGate({ endpoint: gate[transport]!, transport, gateKey: gate.publicKey, handshakeTimeoutMs: 60_000, requestTimeoutMs: 60_000 });
          await client.auth((await issuer.issue({ uid: `${uidPrefix}-${i + j}`, name: `${uidPrefix} ${i + j}` })).token);
          return client;
        });
        clients.push(...(await Promise.all(batch)));
      }
      return clients;
    },
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
