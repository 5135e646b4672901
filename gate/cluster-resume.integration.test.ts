/**
 * Resuming a session on another gate (real processes: a login service, two gates, two lobbies on
 * the harness's etcd, FerretDB and Redis): players whose gate is killed with SIGKILL (one of them
 * with the browser SDK over WebSocket) reconnect to the other gate with the SDK's `reconnect()`,
 * which takes their sessions over with the resume
 * tokens every gate of the cluster checks; resume tokens that are forged, expired, of another
 * account or superseded are refused with their codes.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectBrowser } from '../client-sim/browser-client.js';
import type { WebSocketClass } from '../client-sim/browser-transport.js';
import { GateClient, RequestError } from '../client-sim/gate-client.js';
import { connectGate } from '../client-sim/node-client.js';
import { login, register, type GateEndpoint, type LoginResult } from '../client-sim/login.js';
import { encodeAuthRequest } from '../engine/protocol/auth-request.js';
import { SYSTEM_ROUTE } from '../engine/protocol/constants.js';
import { testClusterSecret } from '../engine/testing/cluster-secret.js';
import { ManualClock } from '../engine/timer/clock.js';
import { startProcessCluster, waitUntil, type ProcessCluster } from './fixtures/cluster-of-processes.js';
import { ResumeTokens, resumeKeyFrom } from './resume-token.js';

const PASSWORD = 'correct-horse-battery';
const PLAYERS = 4;

interface Inventory {
  gold: number;
  items: string[];
}

interface Player {
  username: string;
  login: LoginResult;
  client: GateClient;
  /** The inventory of the last purchase the server acknowledged. */
  acknowledged: Inventory | undefined;
}

describe('resuming a session on another gate (real processes)', () => {
  let cluster: ProcessCluster;
  const clients: GateClient[] = [];
  let accounts = 0;

  beforeAll(async () => {
    cluster = await startProcessCluster({
      name: `gate-resume-${process.pid}`,
      etcdUrl: inject('etcdUrl'),
      mongoUrl: inject('mongoUrl'),
      redisUrl: inject('redisUrl'),
      leaseTtlSeconds: 2,
      gateArgs: ['--gate.lobbyPolicy', 'round-robin'],
    });
    const probe = await newAccount();
    // Both gates listed at login: the login service has seen them in etcd.
    await waitUntil('both gates offered at login', async () => (await login(cluster.loginUrl, probe, PASSWORD)).gates.length === 2, 15_000, 200);
  }, 90_000);

  afterAll(async () => {
    for (const client of clients) if (client.isOpen) client.close();
    await cluster?.stop();
  }, 30_000);

  async function newAccount(): Promise<string> {
    const username = `resumer${accounts++}`;
    await register(cluster.loginUrl, username, PASSWORD);
    return username;
  }

  /**
   * A logged-in player on gate `gate`, knowing every gate from its login reply: over TCP with the
   * Node SDK, or over WebSocket with the browser SDK (on the `ws` package's WebSocket).
   */
  async function newPlayer(gate: Omit<GateEndpoint, 'id'>, sdk: 'node' | 'browser' = 'node'): Promise<Player> {
    const username = await newAccount();
    const result = await login(cluster.loginUrl, username, PASSWORD);
    const client =
      sdk === 'node'
        ? await connectGate({ endpoint: gate.tcp!, transport: 'tcp', gateKey: gate.publicKey, gates: result.gates })
        : await connectBrowser({ url: gate.ws!, gateKey: gate.publicKey, gates: result.gates, WebSocket: WebSocket as unknown as WebSocketClass });
    clients.push(client);
    await client.auth(result.token);
    const player: Player = { username, login: result, client, acknowledged: undefined };
    client.on('inventory.changed', (body) => (player.acknowledged = body as Inventory));
    return player;
  }

  /** The raw `sys.auth` of a resume, for the gate's own answer (the SDK falls back to a new session on a refusal). */
  async function resumeWith(client: GateClient, token: string, sessionId: string, resumeToken: string): Promise<unknown> {
    const call = (client as unknown as { call(route: string, payload: Uint8Array): Promise<Uint8Array> }).call.bind(client);
    return call(SYSTEM_ROUTE.AUTH, encodeAuthRequest({ token, resume: { sessionId, resumeToken } })).catch((err: unknown) => err);
  }

  it('resumes the players of a gate killed with SIGKILL on the other gate, same session, with every acknowledged change', async () => {
    const [victim, survivor] = cluster.gates as [(typeof cluster.gates)[0], (typeof cluster.gates)[0]];
    const survivorId = await cluster.serverIdOf(survivor);
    const players = await Promise.all(Array.from({ length: PLAYERS }, (_, i) => newPlayer(victim.ready.gate!, i === PLAYERS - 1 ? 'browser' : 'node')));
    for (const [i, player] of players.entries()) {
      for (let n = 0; n <= i; n++) await player.client.request('Inventory.buy', `item-${n}`, 5);
      expect(player.acknowledged).toEqual({ gold: 100 - 5 * (i + 1), items: Array.from({ length: i + 1 }, (_, n) => `item-${n}`) });
    }
    const before = players.map((p) => ({ ...p.client.session! }));
    const lost = players.map((p) => new Promise<void>((resolve) => p.client.onClose(() => resolve())));

    const killedAt = Date.now();
    await victim.stop('SIGKILL');
    await Promise.all(lost);
    const times = await Promise.all(
      players.map(async (player) => {
        const reply = await player.client.reconnect();
        return { reply, ms: Date.now() - killedAt };
      }),
    );
    console.log(`gate killed: ${PLAYERS} players resumed on the other gate in ${times.map((t) => t.ms).join(', ')} ms after the kill`);

    for (const [i, player] of players.entries()) {
      expect(times[i]!.reply).toMatchObject({ resumed: true, sessionId: before[i]!.sessionId, uid: before[i]!.uid, gateId: survivorId });
      expect(player.client.endpoint).toBe(i === PLAYERS - 1 ? survivor.ready.gate!.ws : survivor.ready.gate!.tcp);
      // A purchase of nothing shows the whole inventory: every acknowledged change is there.
      const last = player.acknowledged!;
      await player.client.request('Inventory.buy', 'receipt', 0);
      expect(player.acknowledged).toEqual({ gold: last.gold, items: [...last.items, 'receipt'] });
    }
    // The lobbies kept the avatars and moved the sessions to the survivor: nothing was reloaded.
    const lines = (): string[] => cluster.lobbies.flatMap((l) => l.output().split('\n'));
    expect(lines().filter((line) => line.includes('lobby: session moved to another gate'))).toHaveLength(PLAYERS);
    // Once the lobbies see the dead gate leave (its lease ran out), they leave the resumed sessions alone.
    await waitUntil('both lobbies saw the killed gate leave', () => lines().filter((line) => line.includes('lobby: gate left')).length === 2, 20_000, 100);
    expect(lines().filter((line) => line.includes('lobby: session closed'))).toEqual([]);
    for (const player of players) expect(await player.client.request('Echo.echo', 'after the lease')).toBe('after the lease');

    // The token of the dead gate no longer resumes: the survivor issued a newer one.
    const again = await login(cluster.loginUrl, players[0]!.username, PASSWORD);
    const replay = await connectGate({ endpoint: survivor.ready.gate!.tcp!, transport: 'tcp', gateKey: survivor.ready.gate!.publicKey });
    clients.push(replay);
    expect(await resumeWith(replay, again.token, before[0]!.sessionId, before[0]!.resumeToken)).toMatchObject({ serverCode: 'GATE_ERR_RESUME_REPLAYED', wireCode: 4121 });
  }, 60_000);

  it('refuses resume tokens that are forged, expired or of another account with their codes, and the SDK then starts a new session', async () => {
    const gate = cluster.gates.at(-1)!.ready.gate!;
    const owner = await newPlayer(gate);
    const other = await newPlayer(gate);
    const { sessionId, resumeToken, gateId, uid } = owner.client.session!;
    const [payload, mac] = resumeToken.split('.') as [string, string];
    const forged = `${payload}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
    const expired = new ResumeTokens(resumeKeyFrom(testClusterSecret()), 1_000, new ManualClock(Date.now() - 60_000)).issue({ uid, sessionId, gateId, lobbyId: undefined });

    const probe = await connectGate({ endpoint: gate.tcp!, transport: 'tcp', gateKey: gate.publicKey });
    clients.push(probe);
    for (const [token, shown, code, wire] of [
      [owner.login.token, forged, 'GATE_ERR_RESUME_FORGED', 4118],
      [owner.login.token, expired, 'GATE_ERR_RESUME_EXPIRED', 4119],
      [other.login.token, resumeToken, 'GATE_ERR_RESUME_OTHER_ACCOUNT', 4120],
    ] as const) {
      const refused = await resumeWith(probe, token, sessionId, shown);
      expect(refused).toBeInstanceOf(RequestError);
      expect(refused).toMatchObject({ serverCode: code, wireCode: wire });
    }
    // The refusals left the owner's session alone.
    expect(await owner.client.request('Echo.echo', 'still mine')).toBe('still mine');

    // The SDK shown a refused token logs in afresh: a new session of the same account.
    owner.client.session = { ...owner.client.session!, resumeToken: forged };
    const fresh = await owner.client.reconnect();
    expect(fresh).toMatchObject({ resumed: false, uid });
    expect(fresh.sessionId).not.toBe(sessionId);
  }, 30_000);
});
