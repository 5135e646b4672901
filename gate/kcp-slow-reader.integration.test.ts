/**
 * A KCP client that stops acknowledging while the gate pushes to it: a real Gate on a real UDP
 * port, the client SDK over KCP through a relay that stops carrying the client's datagrams, and a
 * lobby that is a small 'sessions' service. The gate counts what the client has not acked and
 * kicks it as a slow reader near `maxBufferedBytes`, as it does on TCP and WebSocket. The backlog
 * is more than a closing KCP session may linger with, so the session is freed at once: the KICK,
 * queued behind data the client never acked, is dropped, and the client hears the session
 * layer's CLOSE with reason BACKLOG. A small KICK lingers for the client's ack instead, its
 * connection counted until the linger ends; and a client's logout KICK reaches the gate before
 * the client's session closes.
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectGate } from '../client-sim/node-client.js';
import type { GateClient } from '../client-sim/gate-client.js';
import { CLOSE_REASON } from '../engine/net/kcp/control.js';
import { TRANSPORT_CLOSED, type CloseReason } from '../engine/protocol/kick.js';
import { MemoryCluster, MemoryDiscovery } from '../engine/cluster/memory-discovery.js';
import { encode } from '../engine/codec/msgpack-codec.js';
import { startTestNodes, type TestNodes } from '../engine/rpc/fixtures/test-nodes.js';
import { LOBBY_SESSIONS_METHODS, LOBBY_SESSIONS_SERVICE, type BindResult, type LobbySessions, type SessionInfo } from '../engine/session/session-contract.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { SystemClock } from '../engine/timer/clock.js';
import { TimerService } from '../engine/timer/timer-service.js';
import { testGateOptions } from './fixtures/test-gate-options.js';
import { Gate } from './gate.js';
import { KcpAcceptor } from './kcp-acceptor.js';
import { LIVENESS_DEFAULTS } from '../engine/net/kcp/kcp-session.js';

const MAX_BUFFERED_BYTES = 64 * 1024;
const PUSH_BYTES = 4 * 1024;

/** A lobby that binds everyone and answers nothing in particular. */
// Sessions never move between lobbies here: no `migrate`.
class TestLobby implements Omit<LobbySessions, 'migrate'> {
  async bind(info: SessionInfo): Promise<BindResult> {
    return { avatar: { serverId: 'lobby-1', entityId: `avatar-${info.uid}` }, loaded: false };
  }
  async request(): Promise<Uint8Array> {
    return encode('ok');
  }
  async notify(): Promise<void> {}
  async close(): Promise<void> {}
  async resumed(): Promise<void> {}
}

/** A UDP relay between one client and the gate; `uplink` false drops what the client sends. */
async function relay(target: string): Promise<{ endpoint: string; uplink: boolean; close(): void }> {
  const at = target.lastIndexOf(':');
  const host = target.slice(0, at);
  const port = Number(target.slice(at + 1));
  const bound = (socket: Socket): Promise<void> => new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const front = createSocket('udp4');
  const back = createSocket('udp4');
  await Promise.all([bound(front), bound(back)]);
  let client: { address: string; port: number } | undefined;
  const state = {
    endpoint: `127.0.0.1:${front.address().port}`,
    uplink: true,
    close: () => {
      front.close();
      back.close();
    },
  };
  front.on('message', (datagram, from) => {
    client = { address: from.address, port: from.port };
    if (state.uplink) back.send(datagram, port, host);
  });
  back.on('message', (datagram) => {
    if (client) front.send(datagram, client.port, client.address);
  });
  return state;
}

let nodes: TestNodes;
let gate: Gate;
let timers: TimerService;
const clock = new SystemClock();
const logger = new MemoryLogger();
const closers: (() => void)[] = [];

beforeEach(async () => {
  nodes = await startTestNodes(['gate-1', 'lobby-1']);
  const [rpc, lobbyNode] = nodes.nodes as [typeof nodes.nodes[0], typeof nodes.nodes[0]];
  lobbyNode.serve(LOBBY_SESSIONS_SERVICE, new TestLobby(), LOBBY_SESSIONS_METHODS.filter((m) => m !== 'migrate'));
  const cluster = new MemoryCluster({ clock });
  const lobby = new MemoryDiscovery({ cluster, clock, logger });
  await lobby.start();
  await lobby.register({ id: 'lobby-1', type: 'lobby', address: lobbyNode.address, version: '1', startedAt: 0, load: { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 } });
  const discovery = new MemoryDiscovery({ cluster, clock, logger });
  await discovery.start();
  closers.push(() => void lobby.stop(), () => void discovery.stop());
  timers = new TimerService({ clock, logger });
  gate = new Gate(
    testGateOptions({
      acceptors: [new KcpAcceptor({ host: '127.0.0.1', port: 0, clock, timers, logger, maxSessions: 10 })],
      // The client falls silent on purpose: the gate must not take it for gone first.
      timing: { handshakeTimeoutMs: 5_000, heartbeatMs: 5_000, timeoutMs: 30_000 },
      maxBufferedBytes: MAX_BUFFERED_BYTES,
      maxConnections: 10,
      maxPendingConnections: 10,
      maxPendingPerAddress: 10,
      rpc,
      discovery,
      clock,
      timers,
      logger,
    }),
  );
  await gate.start();
});

afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await gate.stop();
  timers.stop();
  await nodes.stop();
});

describe('a KCP client that withholds acknowledgements', () => {
  it('is kicked with GATE_ERR_SLOW_CONSUMER once its unacked bytes pass maxBufferedBytes, holding no more than one push past it', async () => {
    const link = await relay(gate.meta().kcp!);
    closers.push(() => link.close());
    const client: GateClient = await connectGate({ endpoint: link.endpoint, transport: 'kcp', gateKey: gate.meta().publicKey! });
    closers.push(() => client.close());
    const closed = new Promise<CloseReason>((resolve) => client.onClose(resolve));
    await client.auth('u-slow');
    const sessionId = client.session!.sessionId;
    // From here on the gate hears nothing from the client: no acks, no window updates.
    link.uplink = false;
    const body = encode('x'.repeat(PUSH_BYTES));
    // One push per turn, as a lobby's pushes arrive; far more than the cap, less than KCP's own queue cap.
    for (let i = 0; i < 1_000 && gate.connectionCount > 0; i++) {
      await gate.sessions.push([sessionId], 'big', body);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const kicked = logger.lines.find((l) => l.message === 'gate: connection kicked');
    expect(kicked?.meta).toMatchObject({ code: 'GATE_ERR_SLOW_CONSUMER' });
    const unsent = Number(/(\d+) bytes unsent/.exec(String(kicked!.meta.reason))![1]);
    expect(unsent).toBeGreaterThan(MAX_BUFFERED_BYTES);
    // One flush past the cap: a push, its packet header and the AEAD tag.
    expect(unsent).toBeLessThanOrEqual(MAX_BUFFERED_BYTES + PUSH_BYTES + 256);
    // Freed at once, not after a linger: the client's withheld acks hold nothing on the gate.
    expect(gate.connectionCount).toBe(0);
    expect(await closed).toMatchObject({ name: TRANSPORT_CLOSED, message: `kcp closed: ${CLOSE_REASON.BACKLOG}` });
  });

  it('keeps a kicked client counted while its KICK lingers unacked, and releases it when the linger ends', async () => {
    const link = await relay(gate.meta().kcp!);
    closers.push(() => link.close());
    const client: GateClient = await connectGate({ endpoint: link.endpoint, transport: 'kcp', gateKey: gate.meta().publicKey! });
    closers.push(() => client.close());
    await client.auth('u-lingering');
    link.uplink = false;
    await gate.sessions.kick(client.session!.sessionId, 'bye');
    // The KICK is small: the session lingers for the client's ack, holding its place in the caps.
    expect(gate.connectionCount).toBe(1);
    await vi.waitFor(() => expect(gate.connectionCount).toBe(0), { timeout: LIVENESS_DEFAULTS.lingerMs * 5, interval: 50 });
  });
});

describe('a KCP client that logs out', () => {
  it('reaches the gate with its KICK before the session closes, so the gate ends the session instead of keeping it for a resume', async () => {
    const client: GateClient = await connectGate({ endpoint: gate.meta().kcp!, transport: 'kcp', gateKey: gate.meta().publicKey! });
    await client.auth('u-leaving');
    expect(gate.sessions.count).toBe(1);
    client.close();
    await vi.waitFor(() => expect(gate.connectionCount).toBe(0), { timeout: 10_000, interval: 20 });
    expect(gate.sessions.count).toBe(0);
  });
});
