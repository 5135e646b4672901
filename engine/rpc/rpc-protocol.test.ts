import { connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameDecoder } from '../codec/frame-decoder.js';
import { decode } from '../codec/msgpack-codec.js';
import { ManualClock } from '../timer/clock.js';
import { testClusterSecret } from '../testing/cluster-secret.js';
import { KIND, RPC_PROTOCOL_VERSION } from './envelope.js';
import { parseAddress } from './address.js';
import { startTestNodes, type TestNodes } from './fixtures/test-nodes.js';
import type { RpcErrorCode } from './errors.js';
import { createNonce, handshakeProof } from './handshake-proof.js';
import { frame, readFrame } from './fixtures/wire.js';

let cluster: TestNodes | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

/** A raw TCP client that records the envelopes it receives and when the server closes it. */
function rawClient(address: string): { socket: Socket; received: unknown[]; closed: Promise<void> } {
  const socket = connect(parseAddress(address));
  const received: unknown[] = [];
  const decoder = new FrameDecoder(1 << 20);
  socket.on('data', (chunk) => decoder.push(chunk, (payload) => received.push(readFrame(payload))));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return { socket, received, closed };
}

const CHALLENGE = [KIND.CHALLENGE, RPC_PROTOCOL_VERSION, expect.any(Uint8Array)];

/** The GOAWAY that closes a link for `code`: its wire number, and a message naming the code and `detail`. */
function goaway(wire: number, code: RpcErrorCode, detail: string): unknown[] {
  const escaped = detail.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [KIND.GOAWAY, wire, expect.stringMatching(new RegExp(`^${code}: .*${escaped}`))];
}

/**
 * A peer that accepts one dial the way a server does: CHALLENGE, then WELCOME as `id` with the
 * test cluster secret once `welcome()` is called after the HELLO; records every other envelope.
 */
async function fakeAcceptor(id: string, options: { welcomeAtOnce: boolean }) {
  const received: unknown[] = [];
  let welcome: () => void = () => {};
  const server = createServer((socket) => {
    const acceptorNonce = createNonce();
    const decoder = new FrameDecoder(1 << 20);
    socket.write(frame([KIND.CHALLENGE, RPC_PROTOCOL_VERSION, acceptorNonce]));
    socket.on('data', (chunk) =>
      decoder.push(chunk, (payload) => {
        const envelope = readFrame(payload);
        if (envelope[0] !== KIND.HELLO) {
          received.push(envelope);
          return;
        }
        // It speaks every contract version the HELLO offers, and chooses the highest.
        const range = envelope.length === 8 ? ([envelope[6], envelope[7]] as [number, number]) : undefined;
        const transcript = { dialerId: envelope[2] as string, acceptorId: id, acceptorNonce, dialerNonce: envelope[4] as Uint8Array, range, contract: range?.[1] };
        welcome = () => socket.write(frame([KIND.WELCOME, RPC_PROTOCOL_VERSION, id, handshakeProof(testClusterSecret(), 'welcome', transcript), ...(range ? [range[1]] : [])]));
        if (options.welcomeAtOnce) welcome();
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, received, welcome: () => welcome(), address: `127.0.0.1:${(server.address() as { port: number }).port}` };
}

/** Waits for `client`'s CHALLENGE and answers it with a HELLO as `id`, proved with `secret`. */
async function hello(client: ReturnType<typeof rawClient>, id: string, acceptorId: string, secret = testClusterSecret()): Promise<Buffer> {
  while (client.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const acceptorNonce = (client.received[0] as unknown[])[2] as Uint8Array;
  const dialerNonce = createNonce();
  const proof = handshakeProof(secret, 'hello', { dialerId: id, acceptorId, acceptorNonce, dialerNonce });
  return frame([KIND.HELLO, RPC_PROTOCOL_VERSION, id, acceptorId, dialerNonce, proof]);
}

async function serving() {
  cluster = await startTestNodes(['a', 'b']);
  const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0] & object, (typeof cluster.nodes)[0] & object];
  b.serve('echo', { echo: (x: unknown) => x }, ['echo']);
  return { a, b, logger: cluster.logger };
}

describe('RPC link protocol', () => {
  it('closes a link that sends garbage, logs why, and keeps serving others', async () => {
    const { a, b, logger } = await serving();
    await expect(a.call('b', 'echo', 'echo', [1])).resolves.toBe(1);
    const client = rawClient(b.address);
    client.socket.write(Buffer.from('00000003c1c1c1', 'hex'));
    await client.closed;
    expect(client.received).toEqual([CHALLENGE, goaway(2011, 'RPC_ERR_PROTOCOL', 'CODEC_ERR_MALFORMED')]);
    expect(logger.at('warn').some((line) => line.message.includes('broke the protocol'))).toBe(true);
    await expect(a.call('b', 'echo', 'echo', [2])).resolves.toBe(2);
  });

  it('closes a link whose frame header declares more than the frame cap before reading it', async () => {
    const { a, b } = await serving();
    const client = rawClient(b.address);
    client.socket.write(Buffer.from('7fffffff', 'hex'));
    await client.closed;
    expect(client.received).toEqual([CHALLENGE, goaway(2011, 'RPC_ERR_PROTOCOL', 'CODEC_ERR_FRAME_TOO_LARGE')]);
    await expect(a.call('b', 'echo', 'echo', [3])).resolves.toBe(3);
  });

  it('allows only small frames before the handshake, whatever the frame cap', async () => {
    const { a, b } = await serving();
    const stranger = rawClient(b.address);
    stranger.socket.write(Buffer.from('00100000', 'hex')); // 1 MiB declared, under the 4 MiB cap
    await stranger.closed;
    expect(stranger.received).toEqual([CHALLENGE, goaway(2011, 'RPC_ERR_PROTOCOL', 'CODEC_ERR_FRAME_TOO_LARGE')]);
    const big = 'x'.repeat(100_000);
    await expect(a.call('b', 'echo', 'echo', [big])).resolves.toBe(big);
  });

  it('cuts off a peer that keeps its side open after a GOAWAY', async () => {
    const clock = new ManualClock();
    cluster = await startTestNodes(['b'], { clock });
    const b = cluster.nodes[0]!;
    const socket = connect({ ...parseAddress(b.address), allowHalfOpen: true });
    socket.on('error', () => {});
    socket.resume();
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const ended = new Promise<void>((resolve) => socket.on('end', () => resolve()));
    socket.write(Buffer.from('ffffffff', 'hex'));
    await ended;
    expect(socket.destroyed).toBe(false);
    clock.advance(1_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The server let go of its end: a write meets a reset, and the one after it fails.
    socket.write('still here?');
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.write('hello?');
    await closed;
  });

  it('refuses envelopes of unknown kinds, and calls before the handshake', async () => {
    const { b } = await serving();
    const unknown = rawClient(b.address);
    unknown.socket.write(frame([99, 1]));
    await unknown.closed;
    expect(unknown.received).toEqual([CHALLENGE, goaway(2011, 'RPC_ERR_PROTOCOL', 'unknown kind 99')]);
    const early = rawClient(b.address);
    early.socket.write(frame([KIND.CALL, 1, 1000, null, null, 'echo', 'echo', [1]]));
    await early.closed;
    expect(early.received).toEqual([CHALLENGE, goaway(2011, 'RPC_ERR_PROTOCOL', 'while handshake')]);
  });

  it('refuses a HELLO of another protocol version with RPC_ERR_HANDSHAKE', async () => {
    const { b } = await serving();
    const client = rawClient(b.address);
    client.socket.write(frame([KIND.HELLO, 1, 'stranger']));
    await client.closed;
    expect(client.received).toEqual([CHALLENGE, goaway(2012, 'RPC_ERR_HANDSHAKE', `protocol version 1, this server speaks ${RPC_PROTOCOL_VERSION}`)]);
  });

  it('speaks the documented envelope and handshake to a hand-written client', async () => {
    const { b } = await serving();
    cluster!.addresses.set('hand', '127.0.0.1:9'); // discovery places "hand" on this host
    const client = rawClient(b.address);
    const helloFrame = await hello(client, 'hand', 'b');
    client.socket.write(helloFrame);
    while (client.received.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    client.socket.write(frame([KIND.CALL, 7, 5000, null, null, 'echo', 'echo', [{ x: 1 }]]));
    while (client.received.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    const acceptorNonce = (client.received[0] as unknown[])[2] as Uint8Array;
    const dialerNonce = (decode(helloFrame.subarray(4)) as unknown[])[4] as Uint8Array;
    const proof = handshakeProof(testClusterSecret(), 'welcome', { dialerId: 'hand', acceptorId: 'b', acceptorNonce, dialerNonce });
    expect(client.received).toEqual([CHALLENGE, [KIND.WELCOME, RPC_PROTOCOL_VERSION, 'b', proof], [KIND.RESULT, 7, { x: 1 }]]);
    client.socket.destroy();
  });
});

describe('RPC calls queued while a link opens', () => {
  it('send what is left of their budget, and are not sent at all once it is spent', async () => {
    const clock = new ManualClock();
    // A peer that answers the handshake only when told to, and records what it gets.
    const { server: slow, received, welcome, address } = await fakeAcceptor('slow', { welcomeAtOnce: false });
    try {
      cluster = await startTestNodes(['a'], { clock });
      const a = cluster.nodes[0]!;
      cluster.addresses.set('slow', address);
      const long = a.call('slow', 'svc', 'long', [], { timeoutMs: 1_000 }).catch((err: unknown) => err);
      const short = a.call('slow', 'svc', 'short', [], { timeoutMs: 200 }).catch((err: unknown) => err);
      while (a.stats().links === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, 20)); // the HELLO is in
      clock.advance(300);
      expect(await short).toMatchObject({ code: 'RPC_ERR_DEADLINE_EXCEEDED' });
      welcome();
      while (received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(received).toEqual([[KIND.CALL, expect.any(Number), 700, null, null, 'svc', 'long', []]]);
      clock.advance(700);
      expect(await long).toMatchObject({ code: 'RPC_ERR_DEADLINE_EXCEEDED' });
    } finally {
      slow.close();
    }
  });
});

describe('RPC link cap', () => {
  it('refuses connections past maxLinks with one log line, and takes them again once links close', async () => {
    cluster = await startTestNodes(['a', 'b', 'c', 'd'], { maxLinks: 2, reconnect: { baseMs: 1, maxMs: 1 } });
    const [a, b, c, d] = cluster.nodes as NonNullable<TestNodes['nodes'][0]>[];
    b!.serve('echo', { echo: (x: unknown) => x }, ['echo']);
    await expect(c!.call('b', 'echo', 'echo', [0])).resolves.toBe(0);
    await expect(d!.call('b', 'echo', 'echo', [0])).resolves.toBe(0);
    const refused = [rawClient(b!.address), rawClient(b!.address)];
    await Promise.all(refused.map((client) => client.closed));
    await expect(a!.call('b', 'echo', 'echo', [1], { timeoutMs: 5_000 })).rejects.toMatchObject({ code: 'RPC_ERR_PEER_UNREACHABLE' });
    expect(cluster.logger.at('warn').filter((line) => line.message.includes('link cap'))).toHaveLength(1);
    await c!.stop();
    while (b!.stats().links > 1) await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(a!.call('b', 'echo', 'echo', [2])).resolves.toBe(2);
  });
});

describe('RPC heartbeats', () => {
  it('declares a silent peer dead within the bound and fails its calls with RPC_ERR_LINK_LOST', async () => {
    const clock = new ManualClock();
    // A peer that completes the handshake and then never says anything again.
    const { server: silent, address } = await fakeAcceptor('mute', { welcomeAtOnce: true });
    try {
      cluster = await startTestNodes(['a'], { clock, link: { heartbeatIntervalMs: 100, deadAfterMs: 500 } });
      const a = cluster.nodes[0]!;
      cluster.addresses.set('mute', address);
      const call = a.call('mute', 'any', 'thing', [], { timeoutMs: 60_000 }).catch((err: unknown) => err);
      while (a.stats().links === 0 || a.stats().pendingCalls === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, 20));
      clock.advance(400);
      expect(a.stats().pendingCalls).toBe(1);
      clock.advance(200);
      expect(await call).toMatchObject({ code: 'RPC_ERR_LINK_LOST', message: expect.stringContaining('nothing received') });
    } finally {
      silent.close();
    }
  });

  it('keeps an idle link alive with pings', async () => {
    const clock = new ManualClock();
    cluster = await startTestNodes(['a', 'b'], { clock, link: { heartbeatIntervalMs: 100, deadAfterMs: 500 } });
    const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0] & object, (typeof cluster.nodes)[0] & object];
    b.serve('echo', { echo: (x: unknown) => x }, ['echo']);
    await a.call('b', 'echo', 'echo', [1]);
    for (let step = 0; step < 20; step++) {
      clock.advance(100);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(a.stats().links).toBe(1);
    await expect(a.call('b', 'echo', 'echo', [2])).resolves.toBe(2);
  });
});
