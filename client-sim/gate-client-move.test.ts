import { describe, expect, it, vi } from 'vitest';
import { MsgpackCodec } from '../engine/codec/msgpack-codec.js';
import { encodeAuthReply } from '../engine/protocol/auth-request.js';
import { DEFAULT_LIMITS, MESSAGE_KIND, PACKET, SYSTEM_ROUTE } from '../engine/protocol/constants.js';
import { GateProtocol } from '../engine/protocol/gate-protocol.js';
import type { Message } from '../engine/protocol/message.js';
import { nodeCryptoSuite } from '../engine/protocol/node-crypto-suite.js';
import { RouteDictionary } from '../engine/protocol/route-dictionary.js';
import { ManualClock } from '../engine/timer/clock.js';
import type { ClientTransportEvents, ClientTransportFactory } from './client-transport.js';
import { GateClient, type GateClientOptions, type GateMove } from './gate-client.js';

const identity = nodeCryptoSuite.generateKeyPair();
const publicKey = Buffer.from(identity.publicKey).toString('base64');
const codec = new MsgpackCodec();
const session = { uid: 'u1', sessionId: 'c2Vzc2lvbi0x', resumeToken: 'cmVzdW1lLXRva2VuLTE', resumed: false, gateId: 'gate-a' };
const MOVE_TOKEN = 'bW92ZS10b2tlbg';

/** Lets queued microtasks (the client's flush, the memory pipe's deliveries) run to their end. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** One connection to a gate in memory: the messages it received, and whether the client closed its transport. */
interface Connection {
  endpoint: string;
  gate: GateProtocol;
  received: Message[];
  events: ClientTransportEvents;
  kicks: number;
  closedByClient: boolean;
}

/**
 * Gates in memory behind one transport, a connection per `open`, every endpoint the same gate
 * identity; endpoints in `down` refuse to connect.
 */
function gates() {
  const connections: Connection[] = [];
  const down = new Set<string>();
  const transport: ClientTransportFactory = async (endpoint, events) => {
    if (down.has(endpoint)) throw new Error(`connect ECONNREFUSED ${endpoint}`);
    const connection = { endpoint, received: [] as Message[], events, kicks: 0, closedByClient: false } as Connection;
    connection.gate = new GateProtocol(
      {
        identity,
        crypto: nodeCryptoSuite,
        gateId: endpoint,
        timing: { handshakeTimeoutMs: 5_000, heartbeatMs: 60_000, timeoutMs: 120_000 },
        limits: DEFAULT_LIMITS,
        compression: undefined,
        compressThreshold: 0,
        dictionary: new RouteDictionary([]),
      },
      0,
      (bytes) => queueMicrotask(() => events.onData(bytes)),
      { onOpen: () => {}, onMessage: (m) => connection.received.push(m), onClose: (reason) => void (reason.name === 'CLOSED' && connection.kicks++) },
    );
    connections.push(connection);
    return {
      write: (bytes) => {
        if (bytes[0] === PACKET.KICK) connection.kicks++;
        queueMicrotask(() => connection.gate.input(bytes, 0));
      },
      close: () => void (connection.closedByClient = true),
    };
  };
  /** Answers request `route` (the latest one on it) on `connection` with `payload`. */
  const answer = (connection: Connection, route: string, payload: Uint8Array): void => {
    const request = connection.received.findLast((m) => m.kind === MESSAGE_KIND.REQUEST && m.route === route);
    if (request?.kind !== MESSAGE_KIND.REQUEST) throw new Error(`no request ${route} on ${connection.endpoint}`);
    connection.gate.send({ kind: MESSAGE_KIND.RESPONSE, id: request.id, payload });
    connection.gate.flush(0);
  };
  const push = (connection: Connection, route: string, body: unknown): void => {
    connection.gate.send({ kind: MESSAGE_KIND.PUSH, route, payload: codec.encode(body) });
    connection.gate.flush(0);
  };
  const routes = (connection: Connection): string[] => connection.received.flatMap((m) => ('route' in m ? [m.route] : []));
  return { transport, connections, down, answer, push, routes };
}

type Gates = ReturnType<typeof gates>;

/** A client on `gate-a`, authenticated, recording its moves and closes. */
async function authed(cluster: Gates, options: Partial<GateClientOptions> = {}) {
  const client = await GateClient.connect({ endpoint: 'tcp-a', transport: cluster.transport, transportKind: 'tcp', gateKey: identity.publicKey, crypto: nodeCryptoSuite, compressions: [], clock: new ManualClock(), ...options });
  await settle();
  const authing = client.auth('token');
  await settle();
  cluster.answer(cluster.connections[0]!, SYSTEM_ROUTE.AUTH, encodeAuthReply(session));
  await authing;
  const moves: GateMove[] = [];
  const closes: string[] = [];
  client.onMove((move) => moves.push(move));
  client.onClose((_reason, err) => closes.push(err.code));
  return { client, moves, closes };
}

const order = { gate: { id: 'gate-b', publicKey, tcp: 'tcp-b', ws: 'ws://b/ws', kcp: 'kcp-b' }, resumeToken: MOVE_TOKEN };

describe('GateClient moves when its gate drains', () => {
  it('lets the request in flight be answered on the old connection, holds the new ones, resumes on the gate named for its transport with the order’s token, then sends them', async () => {
    const cluster = gates();
    const { client, moves, closes } = await authed(cluster);
    const [old] = cluster.connections;
    const inFlight = client.request<string>('Slow.route', 1);
    await settle();
    cluster.push(old!, SYSTEM_ROUTE.MOVE, order);
    await settle();
    const held = client.request<string>('Echo.echo', 2);
    client.notify('Chat.say', 'hi');
    await settle();
    // Nothing new reaches either gate while the old one still owes a reply.
    expect(cluster.routes(old!)).toEqual([SYSTEM_ROUTE.AUTH, 'Slow.route']);
    expect(cluster.connections).toHaveLength(1);
    cluster.answer(old!, 'Slow.route', codec.encode('slow done'));
    expect(await inFlight).toBe('slow done');
    await vi.waitFor(() => expect(cluster.connections).toHaveLength(2));
    const moved = cluster.connections[1]!;
    expect(moved.endpoint).toBe('tcp-b');
    await vi.waitFor(() => expect(cluster.routes(moved)).toEqual([SYSTEM_ROUTE.AUTH]));
    const resume = moved.received[0] as { payload: Uint8Array };
    expect(codec.decode(resume.payload)).toEqual(['token', { sessionId: session.sessionId, resumeToken: MOVE_TOKEN }]);
    cluster.answer(moved, SYSTEM_ROUTE.AUTH, encodeAuthReply({ ...session, resumed: true, gateId: 'gate-b' }));
    await vi.waitFor(() => expect(cluster.routes(moved)).toEqual([SYSTEM_ROUTE.AUTH, 'Echo.echo', 'Chat.say']));
    cluster.answer(moved, 'Echo.echo', codec.encode('echoed'));
    expect(await held).toBe('echoed');
    expect(moves).toEqual([{ from: 'tcp-a', to: 'tcp-b', gateId: 'gate-b', resumed: true, held: 2, replayed: 0, ms: 0 }]);
    expect(closes).toEqual([]);
    // The old connection's transport was closed, never logged out of (a KICK would end the session).
    expect(old!.closedByClient).toBe(true);
    expect(old!.kicks).toBe(0);
    expect(client.session).toMatchObject({ sessionId: session.sessionId, gateId: 'gate-b' });
    expect(client.endpoint).toBe('tcp-b');
  });

  it('sends again a request in flight on a connection that closes during the move', async () => {
    const cluster = gates();
    const { client, moves, closes } = await authed(cluster);
    const [old] = cluster.connections;
    const inFlight = client.request<string>('Slow.route', 1);
    await settle();
    cluster.push(old!, SYSTEM_ROUTE.MOVE, order);
    await settle();
    old!.events.onClose('socket reset');
    await vi.waitFor(() => expect(cluster.connections).toHaveLength(2));
    const moved = cluster.connections[1]!;
    await vi.waitFor(() => expect(cluster.routes(moved)).toEqual([SYSTEM_ROUTE.AUTH]));
    cluster.answer(moved, SYSTEM_ROUTE.AUTH, encodeAuthReply({ ...session, resumed: true, gateId: 'gate-b' }));
    await vi.waitFor(() => expect(cluster.routes(moved)).toEqual([SYSTEM_ROUTE.AUTH, 'Slow.route']));
    cluster.answer(moved, 'Slow.route', codec.encode('answered there'));
    expect(await inFlight).toBe('answered there');
    expect(moves).toMatchObject([{ resumed: true, held: 0, replayed: 1 }]);
    expect(closes).toEqual([]);
  });

  it('falls back to reconnect() over the listed gates when the gate named cannot be reached', async () => {
    const cluster = gates();
    const { client, moves, closes } = await authed(cluster, { alternatives: [{ endpoint: 'tcp-c', gateKey: identity.publicKey }] });
    cluster.down.add('tcp-b');
    // The draining gate takes no new connection either.
    cluster.down.add('tcp-a');
    cluster.push(cluster.connections[0]!, SYSTEM_ROUTE.MOVE, order);
    await settle();
    const held = client.request<string>('Echo.echo', 3);
    await vi.waitFor(() => expect(cluster.connections.map((c) => c.endpoint)).toEqual(['tcp-a', 'tcp-c']));
    const moved = cluster.connections[1]!;
    await vi.waitFor(() => expect(cluster.routes(moved)).toEqual([SYSTEM_ROUTE.AUTH]));
    expect(codec.decode((moved.received[0] as { payload: Uint8Array }).payload)).toEqual(['token', { sessionId: session.sessionId, resumeToken: MOVE_TOKEN }]);
    // The old connection stays until the session is resumed: its gate keeps the session for the takeover.
    expect(cluster.connections[0]!.closedByClient).toBe(false);
    cluster.answer(moved, SYSTEM_ROUTE.AUTH, encodeAuthReply({ ...session, resumed: true, gateId: 'gate-c' }));
    await vi.waitFor(() => expect(cluster.routes(moved)).toEqual([SYSTEM_ROUTE.AUTH, 'Echo.echo']));
    cluster.answer(moved, 'Echo.echo', codec.encode('from c'));
    expect(await held).toBe('from c');
    expect(moves).toMatchObject([{ from: 'tcp-a', to: 'tcp-c', gateId: 'gate-b', resumed: true, held: 1 }]);
    expect(cluster.connections[0]!.closedByClient).toBe(true);
    expect(closes).toEqual([]);
  });

  it('fails what it held and tells onClose when no gate takes the session', async () => {
    const cluster = gates();
    const { client, moves, closes } = await authed(cluster);
    cluster.down.add('tcp-a');
    cluster.down.add('tcp-b');
    const held = client.request('Echo.echo', 4);
    await settle();
    cluster.push(cluster.connections[0]!, SYSTEM_ROUTE.MOVE, order);
    await settle();
    // The old connection closes before answering: the request is held for the next one, which never comes.
    cluster.connections[0]!.events.onClose('socket reset');
    await expect(held).rejects.toMatchObject({ name: 'ConnectionClosed', code: 'CLIENT_ERR_CONNECTION_LOST' });
    expect(moves).toHaveLength(1);
    expect(moves[0]!.error).toMatchObject({ code: 'CLIENT_ERR_CONNECTION_LOST' });
    expect(closes).toEqual(['CLIENT_ERR_CONNECTION_LOST']);
  });

  it('stops moving when the application closes the client, failing what it held with CLIENT_ERR_CLOSED', async () => {
    const cluster = gates();
    const { client, moves } = await authed(cluster);
    const [old] = cluster.connections;
    const inFlight = client.request('Slow.route', 1);
    await settle();
    cluster.push(old!, SYSTEM_ROUTE.MOVE, order);
    await settle();
    const held = client.request('Echo.echo', 5);
    client.close();
    await expect(inFlight).rejects.toMatchObject({ code: 'CLIENT_ERR_CLOSED' });
    await expect(held).rejects.toMatchObject({ code: 'CLIENT_ERR_CLOSED' });
    await settle();
    // It logged out of the gate it was on, and went nowhere else.
    expect(old!.kicks).toBeGreaterThan(0);
    expect(cluster.connections).toHaveLength(1);
    expect(moves).toEqual([]);
    expect(client.isOpen).toBe(false);
  });

  it('holds no more than maxPending messages during a move', async () => {
    const cluster = gates();
    const { client } = await authed(cluster, { maxPending: 3 });
    cluster.push(cluster.connections[0]!, SYSTEM_ROUTE.MOVE, order);
    // The move's own sys.auth waits for its reply on the new gate: one of the three.
    await vi.waitFor(() => expect(cluster.connections[1] && cluster.routes(cluster.connections[1])).toEqual([SYSTEM_ROUTE.AUTH]));
    void client.request('Echo.echo', 1).catch(() => undefined);
    client.notify('Chat.say', 'one');
    expect(() => client.notify('Chat.say', 'two')).toThrow(expect.objectContaining({ code: 'CLIENT_ERR_TOO_MANY_PENDING' }));
    await expect(client.request('Echo.echo', 2)).rejects.toMatchObject({ code: 'CLIENT_ERR_TOO_MANY_PENDING' });
  });

  it('moves through reconnect() when it does not know its transport kind', async () => {
    const cluster = gates();
    const { client, moves } = await authed(cluster, { transportKind: undefined, alternatives: [{ endpoint: 'tcp-b', gateKey: identity.publicKey }] });
    cluster.down.add('tcp-a');
    cluster.push(cluster.connections[0]!, SYSTEM_ROUTE.MOVE, order);
    await vi.waitFor(() => expect(cluster.connections.map((c) => c.endpoint)).toEqual(['tcp-a', 'tcp-b']));
    const moved = cluster.connections[1]!;
    await vi.waitFor(() => expect(cluster.routes(moved)).toEqual([SYSTEM_ROUTE.AUTH]));
    // The draining gate keeps the session while it has a connection: left only once resumed.
    expect(cluster.connections[0]!.closedByClient).toBe(false);
    cluster.answer(moved, SYSTEM_ROUTE.AUTH, encodeAuthReply({ ...session, resumed: true, gateId: 'gate-b' }));
    await vi.waitFor(() => expect(moves).toMatchObject([{ to: 'tcp-b', resumed: true }]));
    expect(cluster.connections[0]!.closedByClient).toBe(true);
    expect(client.isOpen).toBe(true);
  });

  it('resumes with maxPending messages held: the move\'s own sys.auth is not counted against them', async () => {
    const cluster = gates();
    const { client, moves, closes } = await authed(cluster, { maxPending: 2 });
    const [old] = cluster.connections;
    const inFlight = client.request<string>('Slow.route', 1);
    await settle();
    cluster.push(old!, SYSTEM_ROUTE.MOVE, order);
    await settle();
    const held = client.request<string>('Echo.echo', 2);
    cluster.answer(old!, 'Slow.route', codec.encode('slow done'));
    await inFlight;
    // Two held, none in flight: the cap is reached before the move sends its resume.
    client.notify('Chat.say', 'hi');
    expect(() => client.notify('Chat.say', 'too many')).toThrow(expect.objectContaining({ code: 'CLIENT_ERR_TOO_MANY_PENDING' }));
    await vi.waitFor(() => expect(cluster.connections).toHaveLength(2));
    const moved = cluster.connections[1]!;
    await vi.waitFor(() => expect(cluster.routes(moved)).toEqual([SYSTEM_ROUTE.AUTH]));
    cluster.answer(moved, SYSTEM_ROUTE.AUTH, encodeAuthReply({ ...session, resumed: true, gateId: 'gate-b' }));
    await vi.waitFor(() => expect(cluster.routes(moved)).toEqual([SYSTEM_ROUTE.AUTH, 'Echo.echo', 'Chat.say']));
    cluster.answer(moved, 'Echo.echo', codec.encode('echoed'));
    expect(await held).toBe('echoed');
    expect(moves).toMatchObject([{ resumed: true, held: 2 }]);
    expect(closes).toEqual([]);
  });

  it('moves once it has its session when the order came while its sys.auth was answered', async () => {
    const cluster = gates();
    const client = await GateClient.connect({ endpoint: 'tcp-a', transport: cluster.transport, transportKind: 'tcp', gateKey: identity.publicKey, crypto: nodeCryptoSuite, compressions: [], clock: new ManualClock() });
    await settle();
    const moves: GateMove[] = [];
    client.onMove((move) => moves.push(move));
    const authing = client.auth('token');
    await settle();
    const old = cluster.connections[0]!;
    cluster.push(old, SYSTEM_ROUTE.MOVE, order);
    await settle();
    cluster.answer(old, SYSTEM_ROUTE.AUTH, encodeAuthReply(session));
    await authing;
    await vi.waitFor(() => expect(cluster.connections).toHaveLength(2));
    const moved = cluster.connections[1]!;
    await vi.waitFor(() => expect(cluster.routes(moved)).toEqual([SYSTEM_ROUTE.AUTH]));
    cluster.answer(moved, SYSTEM_ROUTE.AUTH, encodeAuthReply({ ...session, resumed: true, gateId: 'gate-b' }));
    await vi.waitFor(() => expect(moves).toMatchObject([{ to: 'tcp-b', resumed: true }]));
  });
});
