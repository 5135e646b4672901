/**
 * A gate that drains moves its clients (real processes: a login service, two gates, two lobbies
 * on the harness's etcd, FerretDB and Redis): players on one gate, over TCP, WebSocket and KCP
 * with the Node SDK and over WebSocket with the browser SDK, send requests without pause while
 * that gate is stopped with SIGTERM. Each is told `sys.move`, resumes its session on the other
 * gate by itself, and no request fails; the drained gate exits.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectBrowser } from '../client-sim/browser-client.js';
import type { WebSocketClass } from '../client-sim/browser-transport.js';
import type { ClientTransportKind } from '../client-sim/client-transport.js';
import type { GateClient, GateMove } from '../client-sim/gate-client.js';
import { login, register } from '../client-sim/login.js';
import { connectGate } from '../client-sim/node-client.js';
import { startProcessCluster, waitUntil, type ProcessCluster } from './fixtures/cluster-of-processes.js';

const PASSWORD = 'correct-horse-battery';
/** Players per way of connecting. */
const PER_KIND = 2;
const KINDS = ['tcp', 'ws', 'kcp', 'browser'] as const;

interface Player {
  kind: (typeof KINDS)[number];
  client: GateClient;
  sessionId: string;
  moves: GateMove[];
  closes: string[];
  ok: number;
  failures: string[];
  items: string[];
}

describe('draining a gate moves its clients to another gate (real processes)', () => {
  let cluster: ProcessCluster;
  const clients: GateClient[] = [];

  beforeAll(async () => {
    cluster = await startProcessCluster({
      name: `gate-drain-${process.pid}`,
      etcdUrl: inject('etcdUrl'),
      mongoUrl: inject('mongoUrl'),
      redisUrl: inject('redisUrl'),
      leaseTtlSeconds: 2,
      gateArgs: ['--gate.drainMoveMs', '20000'],
    });
    await register(cluster.loginUrl, 'probe', PASSWORD);
    await waitUntil('both gates offered at login', async () => (await login(cluster.loginUrl, 'probe', PASSWORD)).gates.length === 2, 15_000, 200);
  }, 90_000);

  afterAll(async () => {
    for (const client of clients) if (client.isOpen) client.close();
    await cluster?.stop();
  }, 30_000);

  async function newPlayer(kind: Player['kind'], n: number): Promise<Player> {
    const username = `mover-${kind}-${n}`;
    await register(cluster.loginUrl, username, PASSWORD);
    const result = await login(cluster.loginUrl, username, PASSWORD);
    const gate = cluster.gates[0]!.ready.gate!;
    const transport: ClientTransportKind = kind === 'browser' ? 'ws' : kind;
    const client =
      kind === 'browser'
        ? await connectBrowser({ url: gate.ws!, gateKey: gate.publicKey, gates: result.gates, WebSocket: WebSocket as unknown as WebSocketClass })
        : await connectGate({ endpoint: gate[transport]!, transport, gateKey: gate.publicKey, gates: result.gates });
    clients.push(client);
    const reply = await client.auth(result.token);
    const player: Player = { kind, client, sessionId: reply.sessionId, moves: [], closes: [], ok: 0, failures: [], items: [] };
    client.onMove((move) => player.moves.push(move));
    client.onClose((_reason, err) => player.closes.push(err.code));
    client.on('inventory.changed', (body) => (player.items = (body as { items: string[] }).items));
    return player;
  }

  /** Requests one after the other until `running()` is false. */
  async function keepAsking(player: Player, running: () => boolean): Promise<void> {
    for (let i = 0; running(); i++) {
      try {
        expect(await player.client.request('Echo.echo', i)).toBe(i);
        player.ok++;
      } catch (err) {
        player.failures.push(String(err));
      }
    }
  }

  it('tells every client to move, serves them meanwhile, and they resume on the other gate: the same sessions, no failed request', async () => {
    const [drained, other] = cluster.gates as [(typeof cluster.gates)[0], (typeof cluster.gates)[0]];
    const otherId = await cluster.serverIdOf(other);
    const players = await Promise.all(KINDS.flatMap((kind) => Array.from({ length: PER_KIND }, (_, n) => newPlayer(kind, n))));
    for (const player of players) await player.client.request('Inventory.buy', 'before the move', 1);

    let running = true;
    const asking = players.map((player) => keepAsking(player, () => running));
    await waitUntil('every player answered', () => players.every((p) => p.ok > 3), 15_000, 50);
    const exitCode = await drained.stop('SIGTERM');
    await waitUntil('every player moved', () => players.every((p) => p.moves.length === 1), 30_000, 50);
    const okAtMove = players.map((p) => p.ok);
    await waitUntil('every player answered after its move', () => players.every((p, i) => p.ok > okAtMove[i]! + 3), 15_000, 50);
    running = false;
    await Promise.all(asking);

    expect(exitCode).toBe(0);
    for (const player of players) {
      expect({ kind: player.kind, failures: player.failures, closes: player.closes }).toEqual({ kind: player.kind, failures: [], closes: [] });
      expect(player.moves[0]).toMatchObject({ gateId: otherId, resumed: true });
      expect(player.moves[0]!.error).toBeUndefined();
      expect(player.client.session).toMatchObject({ sessionId: player.sessionId, gateId: otherId });
      const transport = player.kind === 'browser' ? 'ws' : player.kind;
      expect(player.client.endpoint).toBe(other.ready.gate![transport]);
      // The same avatar: what it bought before the move is there.
      await player.client.request('Inventory.buy', 'after the move', 0);
      expect(player.items).toEqual(['before the move', 'after the move']);
    }
    expect(drained.output()).toContain('gate: every client moved');
    const ms = players.map((p) => Math.round(p.moves[0]!.ms)).sort((a, b) => a - b);
    console.log(`gate drained: ${players.length} players moved in ${ms[0]}..${ms.at(-1)} ms (median ${ms[Math.floor(ms.length / 2)]}), ${players.reduce((n, p) => n + p.ok, 0)} requests answered, none failed`);
    // The lobbies kept every session: none was closed by the move.
    const lines = cluster.lobbies.flatMap((l) => l.output().split('\n'));
    expect(lines.filter((line) => line.includes('lobby: session closed'))).toEqual([]);
  }, 120_000);
});
