import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameDecoder } from '../codec/frame-decoder.js';
import { decode } from '../codec/msgpack-codec.js';
import { testClusterSecret } from '../testing/cluster-secret.js';
import { ManualClock } from '../timer/clock.js';
import { parseAddress } from './address.js';
import { KIND, RPC_PROTOCOL_VERSION } from './envelope.js';
import { frame, rawPeer, type RawPeer } from './fixtures/raw-peer.js';
import { startTestNodes, type TestNodes } from './fixtures/test-nodes.js';
import { createNonce, handshakeProof } from './handshake-proof.js';
import { RpcNode } from './rpc-node.js';

type Node = NonNullable<TestNodes['nodes'][0]>;

const started: TestNodes[] = [];
const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) server.close();
  await Promise.all(started.splice(0).map((nodes) => nodes.stop()));
});

async function nodes(ids: string[], overrides: Parameters<typeof startTestNodes>[1] = {}): Promise<TestNodes> {
  const group = await startTestNodes(ids, overrides);
  started.push(group);
  return group;
}

const tick = (ms = 5): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw peer closed with the test. */
function rawClient(address: string, localAddress?: string): RawPeer {
  const peer = rawPeer(address, localAddress);
  sockets.push(peer.socket);
  return peer;
}

/** Two linked servers: `a` has a call pending on `b` that `release` settles; `held` is its result or error. */
async function linkedPair() {
  const group = await nodes(['a', 'b']);
  const [a, b] = group.nodes as [Node, Node];
  let release: (value: string) => void = () => {};
  const ran: string[] = [];
  b.serve('bank', {
    hold: () => new Promise<string>((resolve) => (release = resolve)),
    spend: (who: string) => void ran.push(who),
  }, ['hold', 'spend']);
  // Settled to a value at once, so that a test may look at it late.
  const held = a.call('b', 'bank', 'hold', [], { timeoutMs: 30_000 }).catch((err: unknown) => err);
  while (b.stats().callsReceived === 0) await tick();
  return { group, a, b, held, release: (value: string) => release(value), ran };
}

const refusals = (group: TestNodes, reason: string) => group.logger.at('warn').filter((line) => line.meta.reason === reason);

describe('RPC handshake authentication', () => {
  it('refuses a stranger without the secret that claims a linked server, logs it, and leaves the real link alone', async () => {
    const { group, a, b, held, release, ran } = await linkedPair();
    const evil = rawClient(b.address);
    await evil.hello('a', 'b', Buffer.alloc(32, 7));
    evil.socket.write(frame([KIND.CALL, 1, 5_000, null, null, 'bank', 'spend', ['evil']]));
    await evil.closed;
    expect(evil.received.slice(1)).toEqual([[KIND.GOAWAY, 2012, expect.stringContaining('not proved to belong to this cluster')]]);
    expect(ran).toEqual([]);
    expect(refusals(group, 'wrong-proof')).toEqual([
      expect.objectContaining({ message: expect.stringContaining('does not prove the cluster secret'), meta: expect.objectContaining({ claimed: 'a', remote: expect.stringMatching(/^127\.0\.0\.1:\d+$/) }) }),
    ]);
    // The real link carried on: the call pending on it completes, and new calls go through it.
    release('kept');
    expect(await held).toBe('kept');
    await a.call('b', 'bank', 'spend', ['a']);
    expect(ran).toEqual(['a']);
    expect(b.stats().links).toBe(1);
  });

  it('refuses a handshake captured from a real dial and replayed', async () => {
    const group = await nodes(['a', 'b']);
    const [a, b] = group.nodes as [Node, Node];
    let spent = 0;
    b.serve('bank', { spend: () => ++spent }, ['spend']);
    // A relay between a and b records what a says: its HELLO, then its call.
    const captured: Buffer[] = [];
    const relay = createServer((from) => {
      const to = connect(parseAddress(b.address));
      from.on('data', (chunk: Buffer) => (captured.push(chunk), to.write(chunk)));
      to.on('data', (chunk: Buffer) => from.write(chunk));
      from.on('error', () => to.destroy());
      to.on('error', () => from.destroy());
      sockets.push(from, to);
    });
    servers.push(relay);
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    group.addresses.set('b', `127.0.0.1:${(relay.address() as { port: number }).port}`);
    await expect(a.call('b', 'bank', 'spend', [])).resolves.toBe(1);

    const replay = rawClient(b.address);
    while (replay.received.length === 0) await tick();
    replay.socket.write(Buffer.concat(captured));
    await replay.closed;
    expect(replay.received.slice(1)).toEqual([[KIND.GOAWAY, 2012, expect.stringContaining('not proved')]]);
    expect(spent).toBe(1);
    expect(refusals(group, 'wrong-proof')).toHaveLength(1);
    await expect(a.call('b', 'bank', 'spend', [])).resolves.toBe(2);
  });

  it('refuses the right secret with an id that discovery places at another address', async () => {
    const { group, b, held, release, ran } = await linkedPair();
    group.addresses.set('lobby-9', '192.0.2.7:7000');
    const liar = rawClient(b.address);
    await liar.hello('lobby-9', 'b', testClusterSecret());
    await liar.closed;
    expect(liar.received.slice(1)).toEqual([[KIND.GOAWAY, 2012, expect.stringContaining('not proved')]]);
    expect(refusals(group, 'wrong-address')).toEqual([
      expect.objectContaining({ message: expect.stringContaining('lobby-9 is registered at 192.0.2.7:7000'), meta: expect.objectContaining({ claimed: 'lobby-9' }) }),
    ]);
    expect(ran).toEqual([]);
    release('kept');
    expect(await held).toBe('kept');
  });

  it('refuses a HELLO meant for another server, naming this one only to a peer that proved the secret, and one claiming the acceptor\'s own id', async () => {
    const group = await nodes(['b']);
    const b = group.nodes[0]!;
    const misdirected = rawClient(b.address);
    await misdirected.hello('a', 'c', testClusterSecret());
    await misdirected.closed;
    expect(misdirected.received.slice(1)).toEqual([[KIND.GOAWAY, 2012, expect.stringContaining('HELLO meant for c, this is b')]]);
    // Without the secret it learns nothing, not even which server it reached.
    const stranger = rawClient(b.address);
    await stranger.hello('a', 'c', Buffer.alloc(32, 7));
    await stranger.closed;
    expect(stranger.received.slice(1)).toEqual([[KIND.GOAWAY, 2012, expect.stringContaining('not proved')]]);
    expect(JSON.stringify(stranger.received.slice(1))).not.toContain('this is b');
    const mirror = rawClient(b.address);
    await mirror.hello('b', 'b', testClusterSecret());
    await mirror.closed;
    expect(mirror.received.slice(1)).toEqual([[KIND.GOAWAY, 2012, expect.stringContaining("this server's own id")]]);
  });

  it('lets a proved peer that dials again replace its old link, as a restarted server does', async () => {
    const { group, b, held } = await linkedPair();
    const again = rawClient(b.address);
    await again.hello('a', 'b', testClusterSecret());
    while (again.received.length < 2) await tick();
    expect(again.received[1]).toEqual([KIND.WELCOME, RPC_PROTOCOL_VERSION, 'b', expect.any(Uint8Array)]);
    expect(await held).toMatchObject({ code: 'RPC_ERR_LINK_LOST' });
    expect(b.stats().links).toBe(1);
    expect(refusals(group, 'wrong-proof')).toEqual([]);
  });

  it('has a dialer refuse a WELCOME that does not prove the secret, or comes from another id', async () => {
    const group = await nodes(['a']);
    const a = group.nodes[0]!;
    // Acceptors that answer every HELLO at once: one without the secret, one as another server.
    const impostor = async (id: string, secret: Uint8Array): Promise<string> => {
      const server = createServer((socket) => {
        sockets.push(socket);
        const acceptorNonce = createNonce();
        const decoder = new FrameDecoder(1 << 20);
        socket.on('error', () => {});
        socket.write(frame([KIND.CHALLENGE, RPC_PROTOCOL_VERSION, acceptorNonce]));
        socket.on('data', (chunk) =>
          decoder.push(chunk, (payload) => {
            const [kind, , dialerId, , dialerNonce, , min, max] = decode(payload) as unknown[];
            if (kind !== KIND.HELLO) return;
            const range = max === undefined ? undefined : ([min, max] as [number, number]);
            const proof = handshakeProof(secret, 'welcome', { dialerId: dialerId as string, acceptorId: id, acceptorNonce, dialerNonce: dialerNonce as Uint8Array, range, contract: range?.[1] });
            socket.write(frame([KIND.WELCOME, RPC_PROTOCOL_VERSION, id, proof, ...(range ? [range[1]] : [])]));
          }),
        );
      });
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `127.0.0.1:${(server.address() as { port: number }).port}`;
    };
    group.addresses.set('fake', await impostor('fake', Buffer.alloc(32, 1)));
    await expect(a.call('fake', 'bank', 'spend', [])).rejects.toMatchObject({ code: 'RPC_ERR_PEER_UNREACHABLE', message: expect.stringContaining('fake did not prove the cluster secret') });
    group.addresses.set('moved', await impostor('other', testClusterSecret()));
    await expect(a.call('moved', 'bank', 'spend', [])).rejects.toMatchObject({ code: 'RPC_ERR_PEER_UNREACHABLE', message: expect.stringContaining('expected moved, found other') });
    // One line per reason every 10 s: the second refusal is counted, not logged.
    expect(refusals(group, 'wrong-welcome')).toEqual([expect.objectContaining({ message: expect.stringContaining('fake did not prove'), meta: expect.objectContaining({ expected: 'fake' }) })]);
  });

  it('waits for discovery to learn a proved peer that dials before the acceptor has seen it register', async () => {
    const early = await nodes(['x']);
    const late = await nodes(['y']); // its own discovery, which does not know x yet
    const [x, y] = [early.nodes[0]!, late.nodes[0]!];
    y.serve('echo', { echo: (value: unknown) => value }, ['echo']);
    early.addresses.set('y', y.address);
    const call = x.call('y', 'echo', 'echo', ['hi'], { timeoutMs: 10_000 });
    while (!late.logger.at('debug').some((line) => line.message.includes('not in discovery yet'))) await tick();
    expect(y.stats()).toMatchObject({ links: 1, unproved: 0 });
    late.addresses.set('x', x.address);
    await expect(call).resolves.toBe('hi');
  });

  it('closes a connection that proves nothing within helloTimeoutMs, and logs it', async () => {
    const clock = new ManualClock();
    const group = await nodes(['b'], { clock, handshakes: { timeoutMs: 1_000 } });
    const b = group.nodes[0]!;
    const silent = rawClient(b.address);
    while (b.stats().unproved === 0) await tick();
    clock.advance(999);
    await tick(20);
    expect(silent.isClosed()).toBe(false);
    clock.advance(1);
    await silent.closed;
    // Its place is given back once the server's side of the socket is gone too.
    while (b.stats().unproved !== 0) await tick();
    expect(b.stats()).toMatchObject({ links: 0, unproved: 0 });
    expect(refusals(group, 'no-hello')).toHaveLength(1);
  });

  it('keeps silent connections apart from the link cap: past the cap per address they are refused, and a peer still links', async () => {
    // A manual clock: on a loaded machine, opening 1,100 sockets can outlast the hello deadline.
    const group = await nodes(['a', 'b'], { clock: new ManualClock(), maxLinks: 2, handshakes: { maxPerAddress: 16 } });
    const [a, b] = group.nodes as [Node, Node];
    b.serve('echo', { echo: (value: unknown) => value }, ['echo']);
    const squatters: RawPeer[] = [];
    for (let batch = 0; batch < 11; batch++) {
      const clients = Array.from({ length: 100 }, () => rawClient(b.address, '127.0.0.2'));
      await Promise.all(clients.map((client) => Promise.race([client.connected, client.closed])));
      squatters.push(...clients);
    }
    while (squatters.filter((client) => client.isClosed()).length < 1_100 - 16) await tick(20);
    expect(b.stats()).toMatchObject({ links: 16, unproved: 16 });
    await expect(a.call('b', 'echo', 'echo', ['still here'])).resolves.toBe('still here');
    expect(refusals(group, 'address-cap')).toHaveLength(1);
    expect(refusals(group, 'address-cap')[0]!.meta).toMatchObject({ remote: '127.0.0.2', maxPerAddress: 16 });
  });

  it('closes the oldest unproved connection when every unproved place is taken, so that a peer still links', async () => {
    const group = await nodes(['a', 'b'], { handshakes: { maxPerAddress: 2, maxTotal: 4 } });
    const [a, b] = group.nodes as [Node, Node];
    b.serve('echo', { echo: (value: unknown) => value }, ['echo']);
    const squatters: RawPeer[] = [];
    for (const from of ['127.0.0.2', '127.0.0.2', '127.0.0.3', '127.0.0.3', '127.0.0.4']) {
      const client = rawClient(b.address, from);
      squatters.push(client);
      while (client.received.length === 0) await tick();
    }
    await squatters[0]!.closed;
    expect(b.stats().unproved).toBe(4);
    await expect(a.call('b', 'echo', 'echo', [1])).resolves.toBe(1);
    await squatters[1]!.closed;
    expect(refusals(group, 'evicted')).toHaveLength(1);
  });

  it('logs connections that break the protocol once per reason and interval, the first at once, then with the count left out', async () => {
    const clock = new ManualClock();
    const group = await nodes(['a', 'b'], { clock });
    const [a, b] = group.nodes as [Node, Node];
    b.serve('echo', { echo: (value: unknown) => value }, ['echo']);
    const garbage = async (): Promise<void> => {
      const client = rawClient(b.address);
      await client.connected;
      client.socket.write(Buffer.from('00000003c1c1c1', 'hex'));
      await client.closed;
    };
    await garbage();
    const [first] = refusals(group, 'protocol');
    expect(first).toMatchObject({ message: 'rpc: closing a link whose peer broke the protocol', meta: { remote: expect.stringMatching(/^127\.0\.0\.1:/) } });
    expect((first!.meta.err as Error).message).toContain('CODEC_ERR_MALFORMED');
    expect(first!.meta.suppressed).toBeUndefined();
    for (let i = 0; i < 30; i++) await garbage();
    clock.advance(9_999);
    await garbage();
    expect(refusals(group, 'protocol')).toHaveLength(1);
    clock.advance(1);
    await garbage();
    expect(refusals(group, 'protocol')).toHaveLength(2);
    expect(refusals(group, 'protocol')[1]!.meta).toMatchObject({ suppressed: 31 });
    await expect(a.call('b', 'echo', 'echo', ['still here'])).resolves.toBe('still here');
  });

  it('refuses to build a node with a secret shorter than 32 bytes', () => {
    const build = () => new RpcNode({ serverId: 'a', secret: Buffer.alloc(31), host: '127.0.0.1', port: 0, resolve: () => undefined, clock: new ManualClock(), timers: undefined as never, logger: undefined as never });
    expect(build).toThrow(/at least 32 bytes, got 31/);
  });
});
