import { describe, expect, it, vi } from 'vitest';
import { MsgpackCodec } from '../engine/codec/msgpack-codec.js';
import { Component } from '../engine/ecs/component.js';
import { Entity } from '../engine/ecs/entity.js';
import { EntityRegistry } from '../engine/ecs/entity-registry.js';
import { World } from '../engine/ecs/world.js';
import { encodeAuthReply } from '../engine/protocol/auth-request.js';
import { DEFAULT_LIMITS, MESSAGE_KIND, PACKET, SYSTEM_ROUTE } from '../engine/protocol/constants.js';
import { SpaceSync } from '../engine/sync/space-sync.js';
import type { SyncMessage } from '../engine/sync/sync-message.js';
import { SyncSchema } from '../engine/sync/sync-schema.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { nodeCryptoSuite } from '../engine/protocol/node-crypto-suite.js';
import { encodePacket } from '../engine/protocol/packet-encoder.js';
import { ManualClock } from '../engine/timer/clock.js';
import type { ClientTransportFactory } from './client-transport.js';
import { ClientError } from './errors.js';
import { failureOf } from './fixtures/failure-of.js';
import { HEARTBEAT_TIMEOUT_MS, identity, memoryGate, settle, type MemoryGate } from './fixtures/memory-gate-transport.js';
import { ConnectionClosed, GateClient, RequestError, type GateClientOptions } from './gate-client.js';

class Glow extends Component {
  static override sync = { level: 'public' } as const;
  level = 0;
}
class Beacon extends Entity {
  static override components = [Glow];
}

const codec = new MsgpackCodec();


/** A client connected to `gate`, its handshake complete on both sides. */
async function connected(gate: MemoryGate, options: Partial<GateClientOptions> = {}): Promise<{ client: GateClient; clock: ManualClock }> {
  const clock = new ManualClock();
  const client = await GateClient.connect({ endpoint: 'memory', transport: gate.transport, gateKey: identity.publicKey, crypto: nodeCryptoSuite, compressions: [], clock, ...options });
  await settle();
  return { client, clock };
}


describe('GateClient input checks', () => {
  it('refuses a malformed gate key with CLIENT_ERR_INVALID_GATE_KEY before it opens a connection', async () => {
    const gate = memoryGate();
    const connecting = GateClient.connect({ endpoint: 'memory', transport: gate.transport, gateKey: 'not base64!', crypto: nodeCryptoSuite, compressions: [], clock: new ManualClock() });
    await expect(connecting).rejects.toThrow(ClientError);
    await expect(connecting).rejects.toMatchObject({ code: 'CLIENT_ERR_INVALID_GATE_KEY' });
    expect(gate.opened()).toBe(0);
  });

  it('refuses a token that is not a string with CLIENT_ERR_INVALID_TOKEN and sends nothing', async () => {
    const gate = memoryGate();
    const { client } = await connected(gate);
    await expect(client.auth(undefined as unknown as string)).rejects.toMatchObject({ name: 'ClientError', code: 'CLIENT_ERR_INVALID_TOKEN' });
    await expect(client.auth('')).rejects.toMatchObject({ code: 'CLIENT_ERR_INVALID_TOKEN' });
    await settle();
    expect(gate.received).toEqual([]);
  });

  it('refuses a route that is empty, not a string or over 255 bytes with CLIENT_ERR_INVALID_ROUTE and sends nothing', async () => {
    const gate = memoryGate();
    const { client } = await connected(gate);
    for (const route of ['', 42, 'é'.repeat(128)]) {
      await expect(client.request(route as string), String(route)).rejects.toMatchObject({ code: 'CLIENT_ERR_INVALID_ROUTE' });
    }
    expect(() => client.notify(undefined as unknown as string)).toThrow(/^CLIENT_ERR_INVALID_ROUTE: .*route is a value of type undefined/);
    await settle();
    expect(gate.received).toEqual([]);
  });

  it('refuses arguments msgpack cannot carry with CLIENT_ERR_INVALID_ARGUMENTS, the codec error as cause', async () => {
    const gate = memoryGate();
    const { client } = await connected(gate);
    const err = await failureOf(client.request('Echo.echo', () => 1));
    expect(err).toMatchObject({ code: 'CLIENT_ERR_INVALID_ARGUMENTS', cause: { name: 'CodecError', code: 'CODEC_ERR_UNENCODABLE' } });
    expect(err.message).toMatch(/^CLIENT_ERR_INVALID_ARGUMENTS: arguments cannot be encoded; pass plain data .*: Echo\.echo: /);
    await settle();
    expect(gate.received).toEqual([]);
  });

  it("refuses a message over the gate's limit with CLIENT_ERR_MESSAGE_TOO_LARGE, naming the limit, and stays open", async () => {
    const gate = memoryGate();
    const { client } = await connected(gate);
    const err = await failureOf(client.request('Echo.echo', 'x'.repeat(100_000)));
    expect(err).toMatchObject({ code: 'CLIENT_ERR_MESSAGE_TOO_LARGE', cause: { code: 'PROTOCOL_ERR_MESSAGE_TOO_LARGE' } });
    expect(err.detail).toContain(`the gate takes ${DEFAULT_LIMITS.maxMessageBytes} bytes`);
    expect(() => client.notify('Echo.echo', 'x'.repeat(100_000))).toThrow(/^CLIENT_ERR_MESSAGE_TOO_LARGE/);
    expect(client.isOpen).toBe(true);
  });
});

describe('GateClient failures of a request', () => {
  it('fails a request without a reply with CLIENT_ERR_REQUEST_TIMEOUT after requestTimeoutMs, naming the route', async () => {
    const gate = memoryGate();
    const { client, clock } = await connected(gate, { requestTimeoutMs: 1_000 });
    const pending = failureOf(client.request('Slow.route'));
    clock.advance(999);
    await settle();
    expect(gate.received).toHaveLength(1);
    clock.advance(1);
    const err = await pending;
    expect(err).toMatchObject({ code: 'CLIENT_ERR_REQUEST_TIMEOUT', detail: 'Slow.route: no reply after 1000 ms' });
    expect(err.message).toContain('raise requestTimeoutMs');
    expect(client.isOpen).toBe(true);
  });

  it('refuses a request past maxPending with CLIENT_ERR_TOO_MANY_PENDING and sends it not', async () => {
    const gate = memoryGate();
    const { client } = await connected(gate, { maxPending: 2 });
    void client.request('A.a').catch(() => undefined);
    void client.request('A.a').catch(() => undefined);
    const err = await failureOf(client.request('A.b'));
    expect(err).toMatchObject({ code: 'CLIENT_ERR_TOO_MANY_PENDING', detail: 'A.b: 2 requests wait for replies (maxPending 2)' });
    await settle();
    expect(gate.received.map((m) => (m.kind === MESSAGE_KIND.REQUEST ? m.route : ''))).toEqual(['A.a', 'A.a']);
  });

  it("surfaces the server's ERROR reply as RequestError CLIENT_ERR_REQUEST_REFUSED with its code, wire code and message", async () => {
    const gate = memoryGate();
    const { client } = await connected(gate);
    const pending = failureOf(client.request('admin.kick', 'someone'));
    await settle();
    gate.answer(0, MESSAGE_KIND.ERROR, codec.encode({ code: 4103, name: 'GATE_ERR_ROUTE_BLOCKED', message: 'route is blocked' }));
    const err = await pending;
    expect(err).toBeInstanceOf(RequestError);
    expect(err).toMatchObject({ name: 'RequestError', code: 'CLIENT_ERR_REQUEST_REFUSED', serverCode: 'GATE_ERR_ROUTE_BLOCKED', wireCode: 4103, serverMessage: 'route is blocked' });
    expect(err.message).toBe('CLIENT_ERR_REQUEST_REFUSED: server answered the request with an error; err.serverCode says why: admin.kick: GATE_ERR_ROUTE_BLOCKED (4103): route is blocked');
    expect((err as RequestError).codeName).toBe('GATE_ERR_ROUTE_BLOCKED');
  });

  it('fails with CLIENT_ERR_BAD_REPLY for a result or an error body that does not decode, or an error body of another shape', async () => {
    const gate = memoryGate();
    const { client } = await connected(gate);
    const replies = [
      [MESSAGE_KIND.RESPONSE, Uint8Array.of(0xc1)],
      [MESSAGE_KIND.ERROR, Uint8Array.of(0xc1)],
      [MESSAGE_KIND.ERROR, codec.encode({ error: 'no' })],
    ] as const;
    const pending = replies.map(() => failureOf(client.request('Echo.echo', 1)));
    await settle();
    replies.forEach(([kind, payload], i) => gate.answer(i, kind, payload));
    const errors = await Promise.all(pending);
    expect(errors.map((e) => e.code)).toEqual(['CLIENT_ERR_BAD_REPLY', 'CLIENT_ERR_BAD_REPLY', 'CLIENT_ERR_BAD_REPLY']);
    expect(errors.map((e) => e.detail)).toEqual([
      expect.stringMatching(/^Echo\.echo: the result is not msgpack/),
      expect.stringMatching(/^Echo\.echo: the error body is not msgpack/),
      'Echo.echo: the error body is not { code, name, message }',
    ]);
    expect(errors[0]!.cause).toMatchObject({ name: 'CodecError' });
  });

  it('fails auth with CLIENT_ERR_BAD_REPLY when the sys.auth reply is not a session', async () => {
    const gate = memoryGate();
    const { client } = await connected(gate);
    const authing = failureOf(client.auth('token'));
    await settle();
    gate.answer(0, MESSAGE_KIND.RESPONSE, codec.encode({ uid: 'u1' }));
    expect(await authing).toMatchObject({ code: 'CLIENT_ERR_BAD_REPLY', detail: expect.stringContaining(SYSTEM_ROUTE.AUTH) });
    expect(client.session).toBeUndefined();
  });

  it('refuses reconnect() before auth with CLIENT_ERR_NO_SESSION and opens nothing', async () => {
    const gate = memoryGate();
    const { client } = await connected(gate);
    await expect(client.reconnect()).rejects.toMatchObject({ name: 'ClientError', code: 'CLIENT_ERR_NO_SESSION' });
    expect(gate.opened()).toBe(1);
  });
});

describe('GateClient closes', () => {
  it("surfaces a KICK as ConnectionClosed CLIENT_ERR_KICKED with the gate's code, to pending requests and onClose alike", async () => {
    const gate = memoryGate();
    const { client } = await connected(gate);
    const closes: [string, ClientError][] = [];
    client.onClose((reason, error) => closes.push([reason.name, error]));
    const pending = failureOf(client.request('Echo.echo', 1));
    await settle();
    gate.gate().kick(4104, 'GATE_ERR_DUPLICATE_LOGIN', 'the same account logged in elsewhere');
    const err = await pending;
    expect(err).toBeInstanceOf(ConnectionClosed);
    expect(err).toMatchObject({ code: 'CLIENT_ERR_KICKED', serverCode: 'GATE_ERR_DUPLICATE_LOGIN', wireCode: 4104, serverMessage: 'the same account logged in elsewhere' });
    expect(err.message).toBe('CLIENT_ERR_KICKED: gate closed the connection; err.serverCode says why: GATE_ERR_DUPLICATE_LOGIN (4104): the same account logged in elsewhere');
    expect((err as ConnectionClosed).reason).toMatchObject({ name: 'GATE_ERR_DUPLICATE_LOGIN', code: 4104, byPeer: true });
    expect(closes).toEqual([['GATE_ERR_DUPLICATE_LOGIN', err]]);
  });

  it('fails requests on a closed client with CLIENT_ERR_NOT_OPEN, the close as cause, and sends nothing', async () => {
    const gate = memoryGate();
    const { client } = await connected(gate);
    gate.gate().kick(4110, 'GATE_ERR_SHUTTING_DOWN', 'gate is shutting down');
    await settle();
    const err = await failureOf(client.request('Echo.echo', 1));
    expect(err).toBeInstanceOf(ConnectionClosed);
    expect(err).toMatchObject({ code: 'CLIENT_ERR_NOT_OPEN', cause: { code: 'CLIENT_ERR_KICKED', serverCode: 'GATE_ERR_SHUTTING_DOWN' } });
    expect(err.message).toMatch(/^CLIENT_ERR_NOT_OPEN: connection is not open; call reconnect\(\) or connect again: Echo\.echo: it closed: CLIENT_ERR_KICKED/);
    expect(() => client.notify('Echo.echo', 1)).toThrow(/^CLIENT_ERR_NOT_OPEN/);
    expect(gate.received).toEqual([]);
  });

  it('fails pending requests with CLIENT_ERR_CLOSED when this client closes', async () => {
    const gate = memoryGate();
    const { client } = await connected(gate);
    const pending = failureOf(client.request('Echo.echo', 1));
    client.close();
    expect(await pending).toMatchObject({ name: 'ConnectionClosed', code: 'CLIENT_ERR_CLOSED', serverCode: undefined });
  });

  it('fails pending requests with CLIENT_ERR_CONNECTION_LOST when the transport drops without a KICK', async () => {
    const gate = memoryGate();
    const { client } = await connected(gate);
    const pending = failureOf(client.request('Echo.echo', 1));
    gate.events().onClose('socket closed');
    const err = await pending;
    expect(err).toMatchObject({ code: 'CLIENT_ERR_CONNECTION_LOST', detail: 'the transport closed without a word from the gate (socket closed)', serverCode: undefined });
    expect(err.message).toContain('reconnect() resumes the session');
  });

  it('closes with CLIENT_ERR_CONNECTION_LOST when the gate goes silent past its heartbeat timeout', async () => {
    const gate = memoryGate();
    const { client, clock } = await connected(gate);
    const closed = new Promise<ClientError>((resolve) => client.onClose((_, error) => resolve(error)));
    clock.advance(HEARTBEAT_TIMEOUT_MS);
    expect(await closed).toMatchObject({ code: 'CLIENT_ERR_CONNECTION_LOST', detail: expect.stringMatching(/^the gate went silent: nothing heard for 120000 ms/) });
  });

  it('closes with CLIENT_ERR_PROTOCOL when the gate sends a packet that does not decrypt', async () => {
    const gate = memoryGate();
    const { client } = await connected(gate);
    const closed = new Promise<ClientError>((resolve) => client.onClose((_, error) => resolve(error)));
    gate.events().onData(encodePacket(PACKET.DATA, new Uint8Array(40).fill(7)));
    expect(await closed).toMatchObject({ code: 'CLIENT_ERR_PROTOCOL', detail: expect.stringMatching(/^PROTOCOL_ERR_DECRYPT: /) });
  });
});

describe('GateClient reconnects', () => {
  const session = { uid: 'u1', sessionId: 'c2Vzc2lvbi0x', resumeToken: 'cmVzdW1lLXRva2VuLTE', resumed: false, gateId: 'gate-test-0' };

  it('fails the requests pending on the connection reconnect() replaces with CLIENT_ERR_REPLACED at once, calls no onClose handler, and resumes on one new connection', async () => {
    const gate = memoryGate();
    const { client } = await connected(gate);
    const authing = client.auth('token');
    await settle();
    gate.answer(0, MESSAGE_KIND.RESPONSE, encodeAuthReply(session));
    await authing;
    // An application that reconnects whenever a connection closes.
    const closes: string[] = [];
    client.onClose((reason) => {
      closes.push(reason.name);
      void client.reconnect().catch(() => undefined);
    });
    let failure: unknown;
    void client.request('Slow.route').catch((err: unknown) => (failure = err));
    await settle();
    const replaced = gate.events();
    const reconnecting = client.reconnect();
    await settle();
    expect(failure).toBeInstanceOf(ConnectionClosed);
    expect(failure).toMatchObject({ code: 'CLIENT_ERR_REPLACED', reason: { name: 'REPLACED', byPeer: false } });
    expect((failure as Error).message).toBe(
      'CLIENT_ERR_REPLACED: reconnect() replaced the connection before the reply came; the request may still have run: the gate answers a request only on the connection that carried it',
    );
    // The replaced connection's transport ends later; that is no close of this client's.
    replaced.onClose('socket closed');
    await settle();
    const resume = gate.received.at(-1)!;
    expect(resume).toMatchObject({ kind: MESSAGE_KIND.REQUEST, route: SYSTEM_ROUTE.AUTH });
    gate.answer(gate.received.length - 1, MESSAGE_KIND.RESPONSE, encodeAuthReply({ ...session, resumed: true }));
    expect(await reconnecting).toMatchObject({ sessionId: session.sessionId, resumed: true });
    expect(closes).toEqual([]);
    expect(gate.opened()).toBe(2);
    expect(client.isOpen).toBe(true);
  });
});

describe('GateClient resumes on another gate', () => {
  const session = { uid: 'u1', sessionId: 'c2Vzc2lvbi0x', resumeToken: 'cmVzdW1lLXRva2VuLTE', resumed: false, gateId: 'gate-test-0' };

  /** `gate`'s transport for every endpoint but those in `down`, which refuse to connect. */
  function cluster(gate: MemoryGate, down: Set<string>): { transport: ClientTransportFactory; tried: string[] } {
    const tried: string[] = [];
    const transport: ClientTransportFactory = async (endpoint, events) => {
      tried.push(endpoint);
      if (down.has(endpoint)) throw new Error(`connect ECONNREFUSED ${endpoint}`);
      return gate.transport(endpoint, events);
    };
    return { transport, tried };
  }

  async function authed(gate: MemoryGate, options: Partial<GateClientOptions>): Promise<GateClient> {
    const { client } = await connected(gate, options);
    const authing = client.auth('token');
    await settle();
    gate.answer(gate.received.length - 1, MESSAGE_KIND.RESPONSE, encodeAuthReply(session));
    await authing;
    return client;
  }

  it('tries the gate it was on, then each alternative in turn, and resumes on the first that answers', async () => {
    const gate = memoryGate();
    const down = new Set<string>();
    const { transport, tried } = cluster(gate, down);
    const alternatives = [
      { endpoint: 'gate-a', gateKey: identity.publicKey },
      { endpoint: 'gate-b', gateKey: identity.publicKey },
      { endpoint: 'gate-c', gateKey: identity.publicKey },
    ];
    const client = await authed(gate, { endpoint: 'gate-a', transport, alternatives });
    expect(client.endpoint).toBe('gate-a');
    down.add('gate-a');
    down.add('gate-b');
    gate.events().onClose('socket reset');
    const seen = gate.received.length;
    const reconnecting = client.reconnect();
    await vi.waitFor(() => expect(gate.received.slice(seen)).toMatchObject([{ route: SYSTEM_ROUTE.AUTH }]));
    expect(codec.decode((gate.received.at(-1) as { payload: Uint8Array }).payload)).toEqual(['token', { sessionId: session.sessionId, resumeToken: session.resumeToken }]);
    gate.answer(gate.received.length - 1, MESSAGE_KIND.RESPONSE, encodeAuthReply({ ...session, resumed: true, gateId: 'gate-test-c' }));
    expect(await reconnecting).toMatchObject({ resumed: true, sessionId: session.sessionId, gateId: 'gate-test-c' });
    expect(tried).toEqual(['gate-a', 'gate-a', 'gate-b', 'gate-c']);
    expect(client.endpoint).toBe('gate-c');
  });

  it('moves on to the next gate when the connect to its own hangs past the handshake deadline, as to a gate cut off the network', async () => {
    const gate = memoryGate();
    const clock = new ManualClock();
    const tried: string[] = [];
    let silent = false;
    let giveUp: ((err: Error) => void) | undefined;
    const transport: ClientTransportFactory = (endpoint, events) => {
      tried.push(endpoint);
      // A connect into a black hole neither opens nor fails until the transport's own deadline.
      if (silent && endpoint === 'gate-a') return new Promise((_resolve, reject) => (giveUp = reject));
      return gate.transport(endpoint, events);
    };
    const client = await authed(gate, { endpoint: 'gate-a', transport, clock, handshakeTimeoutMs: 2_000, alternatives: [{ endpoint: 'gate-b', gateKey: identity.publicKey }] });
    silent = true;
    const seen = gate.received.length;
    // As a bot does: reconnect from the close handler, here run by the heartbeat timeout's timer.
    let reconnecting: Promise<unknown> | undefined;
    client.onClose(() => (reconnecting ??= client.reconnect()));
    clock.advance(HEARTBEAT_TIMEOUT_MS);
    expect(client.isOpen).toBe(false);
    await settle();
    // The handshake's deadline passes while the connect still hangs; then the connect gives up.
    clock.advance(2_000);
    await settle();
    giveUp!(new Error('connect timed out'));
    await vi.waitFor(() => expect(gate.received.slice(seen)).toMatchObject([{ route: SYSTEM_ROUTE.AUTH }]));
    gate.answer(gate.received.length - 1, MESSAGE_KIND.RESPONSE, encodeAuthReply({ ...session, resumed: true, gateId: 'gate-test-b' }));
    expect(await reconnecting).toMatchObject({ resumed: true, sessionId: session.sessionId });
    expect(tried).toEqual(['gate-a', 'gate-a', 'gate-b']);
  });

  it('fails with what the last gate tried threw when none can be reached', async () => {
    const gate = memoryGate();
    const down = new Set<string>();
    const { transport } = cluster(gate, down);
    const client = await authed(gate, { endpoint: 'gate-a', transport, alternatives: [{ endpoint: 'gate-b', gateKey: identity.publicKey }] });
    down.add('gate-a');
    down.add('gate-b');
    gate.events().onClose('socket reset');
    await expect(client.reconnect()).rejects.toMatchObject({ code: 'CLIENT_ERR_CONNECT_FAILED', detail: 'gate-b: connect ECONNREFUSED gate-b' });
  });

  it('starts a new session with the login token when the gate refuses the resume token', async () => {
    const gate = memoryGate();
    const client = await authed(gate, {});
    gate.events().onClose('socket reset');
    const seen = gate.received.length;
    const reconnecting = client.reconnect();
    await vi.waitFor(() => expect(gate.received.slice(seen)).toMatchObject([{ route: SYSTEM_ROUTE.AUTH }]));
    gate.answer(gate.received.length - 1, MESSAGE_KIND.ERROR, codec.encode({ code: 4120, name: 'GATE_ERR_RESUME_EXPIRED', message: 'resume token has expired' }));
    await vi.waitFor(() => expect(gate.received.length).toBe(seen + 2));
    expect(codec.decode((gate.received.at(-1) as { payload: Uint8Array }).payload)).toEqual(['token']);
    gate.answer(gate.received.length - 1, MESSAGE_KIND.RESPONSE, encodeAuthReply({ ...session, sessionId: 'bmV3LXNlc3Npb24' }));
    expect(await reconnecting).toMatchObject({ resumed: false, sessionId: 'bmV3LXNlc3Npb24' });
  });
});

describe('GateClient connects', () => {
  it("fails with CLIENT_ERR_HANDSHAKE_FAILED, the gate's PROTOCOL_ERR_HANDSHAKE as serverCode, for a key of another gate", async () => {
    const gate = memoryGate();
    const other = nodeCryptoSuite.generateKeyPair();
    const connecting = GateClient.connect({ endpoint: 'memory', transport: gate.transport, gateKey: other.publicKey, crypto: nodeCryptoSuite, compressions: [], clock: new ManualClock() });
    const err = await failureOf(connecting);
    expect(err).toBeInstanceOf(ConnectionClosed);
    expect(err).toMatchObject({ code: 'CLIENT_ERR_HANDSHAKE_FAILED', serverCode: 'PROTOCOL_ERR_HANDSHAKE', wireCode: 4005 });
    expect(err.message).toContain('check that the gate key is the one the login reply gave for this gate');
  });

  it('fails with CLIENT_ERR_HANDSHAKE_FAILED when the transport closes during the handshake', async () => {
    const gate = memoryGate({ silent: true });
    const connecting = failureOf(GateClient.connect({ endpoint: 'memory', transport: gate.transport, gateKey: identity.publicKey, crypto: nodeCryptoSuite, compressions: [], clock: new ManualClock() }));
    await settle();
    gate.events().onClose('socket closed');
    expect(await connecting).toMatchObject({ code: 'CLIENT_ERR_HANDSHAKE_FAILED', detail: expect.stringContaining('without saying why (socket closed)') });
  });

  it('fails with CLIENT_ERR_HANDSHAKE_TIMEOUT when the gate does not answer within handshakeTimeoutMs', async () => {
    const gate = memoryGate({ silent: true });
    const clock = new ManualClock();
    const connecting = failureOf(GateClient.connect({ endpoint: 'memory', transport: gate.transport, gateKey: identity.publicKey, crypto: nodeCryptoSuite, compressions: [], clock, handshakeTimeoutMs: 2_000 }));
    await settle();
    clock.advance(2_000);
    const err = await connecting;
    expect(err).toMatchObject({ code: 'CLIENT_ERR_HANDSHAKE_TIMEOUT', detail: 'no answer within 2000 ms' });
    expect(err.message).toContain('raise handshakeTimeoutMs');
  });

  it("wraps a transport's own error in CLIENT_ERR_CONNECT_FAILED, with it as cause", async () => {
    const cause = new Error('no route to the moon');
    const transport: ClientTransportFactory = () => Promise.reject(cause);
    const err = await failureOf(GateClient.connect({ endpoint: 'moon:1', transport, gateKey: identity.publicKey, crypto: nodeCryptoSuite, compressions: [], clock: new ManualClock() }));
    expect(err).toMatchObject({ code: 'CLIENT_ERR_CONNECT_FAILED', detail: 'moon:1: no route to the moon', cause });
  });
});

describe('GateClient world', () => {
  /** Sends a push from the memory gate. */
  const push = (gate: MemoryGate, route: string, payload: Uint8Array): void => {
    gate.gate().send({ kind: MESSAGE_KIND.PUSH, route, payload });
    gate.gate().flush(0);
  };
  const snapshot: SyncMessage = {
    tick: 3,
    snapshot: true,
    space: { id: 'field@lobby-1', type: 'field', tickHz: 20 },
    enter: [{ net: 1, id: 'e-wolf', type: 'Monster', values: { Position: { x: 4, y: 5 } } }],
    change: [],
    leave: [],
  };

  it('hands the raw bytes of a sys.sync push to the sync decoder and applies the message to client.world, calling no push handler', async () => {
    const gate = memoryGate();
    const bytes = new Uint8Array([0xc1, 0xff, 0x00, 0x07]); // not msgpack: the SDK must not decode it
    const decoded: Uint8Array[] = [];
    const { client } = await connected(gate, {
      syncDecoder: {
        decode: (b) => {
          decoded.push(b);
          return snapshot;
        },
      },
    });
    const handled: string[] = [];
    client.on('*', (_body, route) => handled.push(route));
    client.on(SYSTEM_ROUTE.SPACE, (body) => handled.push(`space handler saw ${client.world.space?.lobbyId} in ${JSON.stringify(body)}`));
    push(gate, SYSTEM_ROUTE.SPACE, codec.encode({ spaceId: 'field@lobby-1', type: 'field', lobbyId: 'lobby-1' }));
    push(gate, SYSTEM_ROUTE.SYNC, bytes);
    await client.world.waitFor((w) => w.entities.size === 1, 1_000);
    expect(decoded.map((b) => [...b])).toEqual([[...bytes]]);
    expect(client.world.get('e-wolf')).toEqual({ id: 'e-wolf', type: 'Monster', net: 1, values: { Position: { x: 4, y: 5 } } });
    expect(client.world.space).toEqual({ id: 'field@lobby-1', type: 'field', lobbyId: 'lobby-1', tickHz: 20 });
    expect(handled).toEqual(['space handler saw lobby-1 in {"spaceId":"field@lobby-1","type":"field","lobbyId":"lobby-1"}', SYSTEM_ROUTE.SPACE]);
    expect(client.isOpen).toBe(true);
  });

  it('decodes sys.sync pushes with the engine\'s sync decoder when none is given', async () => {
    const registry = new EntityRegistry().register('Beacon', Beacon);
    const world = new World({ logger: new MemoryLogger(), clock: new ManualClock(), registry });
    const sync = new SpaceSync({ world, schema: new SyncSchema(registry), space: { id: 'field@lobby-1', type: 'field', tickHz: 20 } });
    const beacon = world.spawn(Beacon, { id: 'beacon-1' });
    beacon.get(Glow).level = 3;
    const gate = memoryGate();
    const { client } = await connected(gate);
    push(gate, SYSTEM_ROUTE.SYNC, sync.step([{ key: 's', view: new Set([beacon]), snapshot: true }]).get('s')!);
    await client.world.waitFor((w) => w.entities.size === 1, 1_000);
    expect(client.world.get('beacon-1')).toMatchObject({ type: 'Beacon', values: { Glow: { level: 3 } } });
    beacon.get(Glow).level = 4;
    push(gate, SYSTEM_ROUTE.SYNC, sync.step([{ key: 's', view: new Set([beacon]), snapshot: false }]).get('s')!);
    await client.world.waitFor((w) => w.get('beacon-1')?.values['Glow']?.['level'] === 4, 1_000);
    expect(client.world.space).toMatchObject({ id: 'field@lobby-1', type: 'field' });
    expect(client.world.faults).toBe(0);
  });

  it('counts a sys.sync push that does not decode as a fault of client.world and stays open', async () => {
    const gate = memoryGate();
    const { client } = await connected(gate, {
      syncDecoder: {
        decode: () => {
          throw new Error('SYNC_ERR_TRUNCATED');
        },
      },
    });
    const warned = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      push(gate, SYSTEM_ROUTE.SYNC, new Uint8Array([1]));
      await settle();
      await settle();
      expect(client.world.faults).toBe(1);
      expect(warned).toHaveBeenCalledWith('world mirror: sync message dropped: it does not decode', expect.objectContaining({ reason: 'undecodable' }));
    } finally {
      warned.mockRestore();
    }
    expect(client.isOpen).toBe(true);
  });
});
