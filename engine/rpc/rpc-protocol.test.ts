import { connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameDecoder, writeFrameHeader } from '../codec/frame-decoder.js';
import { decode, encode } from '../codec/msgpack-codec.js';
import { ManualClock } from '../timer/clock.js';
import { KIND, RPC_PROTOCOL_VERSION } from './envelope.js';
import { parseAddress } from './address.js';
import { startTestNodes, type TestNodes } from './fixtures/test-nodes.js';

let cluster: TestNodes | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

function frame(value: unknown): Buffer {
  const payload = encode(value);
  const bytes = Buffer.alloc(4 + payload.length);
  writeFrameHeader(bytes, 0, payload.length);
  bytes.set(payload, 4);
  return bytes;
}

/** A raw TCP client that records the envelopes it receives and when the server closes it. */
function rawClient(address: string): { socket: Socket; received: unknown[]; closed: Promise<void> } {
  const socket = connect(parseAddress(address));
  const received: unknown[] = [];
  const decoder = new FrameDecoder(1 << 20);
  socket.on('data', (chunk) => decoder.push(chunk, (payload) => received.push(decode(payload))));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return { socket, received, closed };
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
    expect(client.received).toEqual([[KIND.GOAWAY, 2011, expect.stringContaining('CODEC_ERR_MALFORMED')]]);
    expect(logger.at('warn').some((line) => line.message.includes('broke the protocol'))).toBe(true);
    await expect(a.call('b', 'echo', 'echo', [2])).resolves.toBe(2);
  });

  it('closes a link whose frame header declares more than the frame cap before reading it', async () => {
    const { a, b } = await serving();
    const client = rawClient(b.address);
    client.socket.write(Buffer.from('7fffffff', 'hex'));
    await client.closed;
    expect(client.received).toEqual([[KIND.GOAWAY, 2011, expect.stringContaining('CODEC_ERR_FRAME_TOO_LARGE')]]);
    await expect(a.call('b', 'echo', 'echo', [3])).resolves.toBe(3);
  });

  it('allows only small frames before the handshake, whatever the frame cap', async () => {
    const { a, b } = await serving();
    const stranger = rawClient(b.address);
    stranger.socket.write(Buffer.from('00100000', 'hex')); // 1 MiB declared, under the 4 MiB cap
    await stranger.closed;
    expect(stranger.received).toEqual([[KIND.GOAWAY, 2011, expect.stringContaining('CODEC_ERR_FRAME_TOO_LARGE')]]);
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
    expect(unknown.received).toEqual([[KIND.GOAWAY, 2011, expect.stringContaining('unknown kind 99')]]);
    const early = rawClient(b.address);
    early.socket.write(frame([KIND.CALL, 1, 1000, null, null, 'echo', 'echo', [1]]));
    await early.closed;
    expect(early.received).toEqual([[KIND.GOAWAY, 2011, expect.stringContaining('while handshake')]]);
  });

  it('refuses a HELLO of another protocol version with RPC_ERR_HANDSHAKE', async () => {
    const { b } = await serving();
    const client = rawClient(b.address);
    client.socket.write(frame([KIND.HELLO, RPC_PROTOCOL_VERSION + 1, 'stranger']));
    await client.closed;
    expect(client.received).toEqual([[KIND.GOAWAY, 2012, expect.stringContaining('protocol version')]]);
  });

  it('speaks the documented envelope to a hand-written client', async () => {
    const { b } = await serving();
    const client = rawClient(b.address);
    client.socket.write(Buffer.concat([frame([KIND.HELLO, RPC_PROTOCOL_VERSION, 'hand']), frame([KIND.CALL, 7, 5000, null, null, 'echo', 'echo', [{ x: 1 }]])]));
    while (client.received.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(client.received).toEqual([
      [KIND.WELCOME, RPC_PROTOCOL_VERSION, 'b'],
      [KIND.RESULT, 7, { x: 1 }],
    ]);
    client.socket.destroy();
  });
});

describe('RPC calls queued while a link opens', () => {
  it('send what is left of their budget, and are not sent at all once it is spent', async () => {
    const clock = new ManualClock();
    const received: unknown[] = [];
    let welcome: () => void = () => {};
    // A peer that answers the handshake only when told to, and records what it gets.
    const slow = createServer((socket) => {
      const decoder = new FrameDecoder(1 << 20);
      socket.on('data', (chunk) =>
        decoder.push(chunk, (payload) => {
          const envelope = decode(payload) as unknown[];
          if (envelope[0] === KIND.HELLO) welcome = () => socket.write(frame([KIND.WELCOME, RPC_PROTOCOL_VERSION, 'slow']));
          else received.push(envelope);
        }),
      );
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      cluster = await startTestNodes(['a'], { clock });
      const a = cluster.nodes[0]!;
      cluster.addresses.set('slow', `127.0.0.1:${(slow.address() as { port: number }).port}`);
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
    cluster = await startTestNodes(['a', 'b'], { maxLinks: 2, reconnect: { baseMs: 1, maxMs: 1 } });
    const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0] & object, (typeof cluster.nodes)[0] & object];
    b.serve('echo', { echo: (x: unknown) => x }, ['echo']);
    const squatters = [rawClient(b.address), rawClient(b.address)];
    while (b.stats().links < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const refused = [rawClient(b.address), rawClient(b.address)];
    await Promise.all(refused.map((client) => client.closed));
    expect(cluster.logger.at('warn').filter((line) => line.message.includes('link cap'))).toHaveLength(1);
    await expect(a.call('b', 'echo', 'echo', [1], { timeoutMs: 5_000 })).rejects.toMatchObject({ code: 'RPC_ERR_PEER_UNREACHABLE' });
    for (const squatter of squatters) squatter.socket.destroy();
    while (b.stats().links > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(a.call('b', 'echo', 'echo', [2])).resolves.toBe(2);
  });
});

describe('RPC heartbeats', () => {
  it('declares a silent peer dead within the bound and fails its calls with RPC_ERR_LINK_LOST', async () => {
    const clock = new ManualClock();
    // A peer that completes the handshake and then never says anything again.
    const silent = createServer((socket) => {
      socket.once('data', () => socket.write(frame([KIND.WELCOME, RPC_PROTOCOL_VERSION, 'mute'])));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      cluster = await startTestNodes(['a'], { clock, link: { heartbeatIntervalMs: 100, deadAfterMs: 500 } });
      const a = cluster.nodes[0]!;
      const port = (silent.address() as { port: number }).port;
      cluster.addresses.set('mute', `127.0.0.1:${port}`);
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
