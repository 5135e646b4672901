/**
 * The gate end to end, in a real standalone process (login service, gate and lobby), driven by
 * the client SDK over real sockets: every transport, requests, notifies, pushes, a broadcast to
 * 100 clients, kicks, resume, route rules reloaded on SIGHUP, and bad input of every kind, each
 * answered with its documented error or close while a bystander keeps being served.
 */
import { connect, type Socket } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SigningKey } from '../engine/auth/signing-key.js';
import { TokenIssuer } from '../engine/auth/token-issuer.js';
import { SystemClock } from '../engine/timer/clock.js';
import { PACKET } from '../engine/protocol/constants.js';
import { decodeKick } from '../engine/protocol/kick.js';
import { encodePacket } from '../engine/protocol/packet-encoder.js';
import type { MainProcess } from '../engine/testing/main-process.js';
import { ConnectionClosed, GateClient, RequestError } from '../client-sim/gate-client.js';
import type { ClientError } from '../client-sim/errors.js';
import { connectGate } from '../client-sim/node-client.js';
import type { ClientTransportFactory } from '../client-sim/client-transport.js';
import { tcpTransport } from '../client-sim/node-transports.js';
import { login, register, type LoginResult } from '../client-sim/login.js';
import { startStandaloneProcess, type StandaloneProcess } from './fixtures/standalone-process.js';

const RATE = 100;

function config(rules: Record<string, string>): object {
  return {
    server: { role: 'standalone', host: '127.0.0.1' },
    cluster: { discovery: 'memory' },
    store: { backend: 'lmdb' },
    login: {
      scrypt: { N: 1024, r: 8, p: 1 },
      rateLimit: { perIpPerMinute: 100_000, perIpPerUserPerMinute: 1_000, maxTracked: 1_000 },
      hashing: { maxRegistrations: 20 },
    },
    gate: { rules, ratePerSecond: RATE, rateBurst: RATE, heartbeatMs: 1_000, timeoutMs: 5_000 },
  };
}

const RULES = { 'sys.*': 'block', 'admin.*': 'block', 'Echo.*': 'auth' };

let standalone: StandaloneProcess;
let server: MainProcess;
let key: SigningKey;
let loginUrl: string;
let gateInfo: NonNullable<MainProcess['ready']['gate']>;
let accounts = 0;

/** A fresh account, logged in. */
async function newPlayer(): Promise<LoginResult & { username: string }> {
  const username = `p${process.pid}-${accounts++}`;
  await register(loginUrl, username, 'correct-horse-battery');
  return { username, ...(await login(loginUrl, username, 'correct-horse-battery')) };
}

/** A connected, authenticated client over `transport`. */
async function player(transport: 'tcp' | 'ws' | 'kcp' = 'tcp', factory?: ClientTransportFactory): Promise<GateClient> {
  const { token, gate } = await newPlayer();
  const client = await connectGate({ endpoint: gate[transport]!, transport: factory ?? transport, gateKey: gate.publicKey });
  await client.auth(token);
  return client;
}

function closeOf(client: GateClient): Promise<{ name: string; code: number; message: string }> {
  return new Promise((resolve) => client.onClose(resolve));
}

/** Sends raw bytes to the gate's TCP port and collects what comes back until the gate closes. */
function rawExchange(bytes: Uint8Array): Promise<Buffer> {
  const [host, port] = gateInfo.tcp!.split(':');
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: host!, port: Number(port) });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.write(bytes);
  });
}

function kickIn(reply: Buffer): { code: number; name: string } {
  expect(reply[0]).toBe(PACKET.KICK);
  const length = (reply[1]! << 16) | (reply[2]! << 8) | reply[3]!;
  return decodeKick(reply.subarray(4, 4 + length));
}

beforeAll(async () => {
  standalone = await startStandaloneProcess(config(RULES));
  ({ server, key } = standalone);
  loginUrl = server.ready.login!;
  gateInfo = server.ready.gate!;
}, 60_000);

afterAll(async () => {
  await standalone?.stop();
});

describe('gate, end to end', () => {
  it.each(['tcp', 'ws', 'kcp'] as const)('logs in over %s, and answers a request, a notify and a push', async (transport) => {
    const client = await player(transport);
    expect(client.session).toMatchObject({ resumed: false, gateId: expect.stringMatching(/^standalone-/) });
    expect(await client.request('Echo.echo', { n: 1, s: 'x' })).toEqual({ n: 1, s: 'x' });
    const changed = new Promise((resolve) => client.on('inventory.changed', resolve));
    await client.request('Inventory.buy', 'sword', 10);
    expect(await changed).toEqual({ gold: 90, items: ['sword'] });
    const chat = new Promise((resolve) => client.on('chat.message', resolve));
    client.notify('Chat.say', `hello over ${transport}`);
    expect(await chat).toMatchObject({ text: `hello over ${transport}` });
    client.close();
  });

  it('compresses a large reply and carries it intact', async () => {
    const client = await player();
    const big = { items: Array.from({ length: 500 }, (_, i) => ({ name: `item-${i}`, count: i })) };
    expect(await client.request('Echo.echo', big)).toEqual(big);
    expect(client.hello.compression).toBe('deflate-raw');
    client.close();
  });

  it('broadcasts one chat message to 100 clients', async () => {
    // In groups: past login.hashing.maxRegistrations the login service answers 503, by design.
    const clients: GateClient[] = [];
    for (let group = 0; group < 5; group++) clients.push(...(await Promise.all(Array.from({ length: 20 }, () => player()))));
    const heard = clients.map((c) => new Promise((resolve) => c.on('chat.message', resolve)));
    clients[0]!.notify('Chat.say', 'to everyone');
    const bodies = await Promise.all(heard);
    expect(bodies).toHaveLength(100);
    for (const body of bodies) expect(body).toMatchObject({ text: 'to everyone' });
    for (const c of clients) c.close();
  }, 60_000);

  it('resumes the same session after the connection drops', async () => {
    let pipe: { close(): void } | undefined;
    const dropping: ClientTransportFactory = async (endpoint, events) => (pipe = await tcpTransport(endpoint, events));
    const client = await player('tcp', dropping);
    await client.request('Inventory.buy', 'shield', 5);
    const first = client.session!;
    // Drop the transport without a KICK: the gate keeps the session for the grace period.
    const dropped = closeOf(client);
    pipe!.close();
    expect(await dropped).toMatchObject({ name: 'TRANSPORT_CLOSED' });
    const resumed = await client.reconnect();
    expect(resumed).toMatchObject({ resumed: true, sessionId: first.sessionId, uid: first.uid });
    const changed = new Promise((resolve) => client.on('inventory.changed', resolve));
    await client.request('Inventory.buy', 'helmet', 5);
    expect(await changed).toEqual({ gold: 90, items: ['shield', 'helmet'] });
    client.close();
  });

  it('answers a second sys.auth sent before the first is answered with GATE_ERR_ALREADY_AUTHENTICATED', async () => {
    const { token, gate } = await newPlayer();
    const client = await connectGate({ endpoint: gate.tcp!, transport: 'tcp', gateKey: gate.publicKey });
    const [first, second] = await Promise.allSettled([client.auth(token), client.auth(token)]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { serverCode: 'GATE_ERR_ALREADY_AUTHENTICATED', wireCode: 4111 } });
    expect(await client.request('Echo.echo', 'one session')).toBe('one session');
    client.close();
  });

  it.each([
    ['tcp', 'ws'],
    ['ws', 'kcp'],
    ['kcp', 'tcp'],
  ] as const)('kicks the first connection (over %s) with GATE_ERR_DUPLICATE_LOGIN when the same account logs in again over %s', async (firstOver, secondOver) => {
    const { token, gate } = await newPlayer();
    const first = await connectGate({ endpoint: gate[firstOver]!, transport: firstOver, gateKey: gate.publicKey });
    await first.auth(token);
    const closed = closeOf(first);
    const kicked = new Promise<ClientError>((resolve) => first.onClose((_, err) => resolve(err)));
    const second = await connectGate({ endpoint: gate[secondOver]!, transport: secondOver, gateKey: gate.publicKey });
    await second.auth(token);
    expect(await closed).toMatchObject({ name: 'GATE_ERR_DUPLICATE_LOGIN', code: 4104 });
    // What game code branches on: the SDK's code, and the gate's code and number.
    expect(await kicked).toMatchObject({ name: 'ConnectionClosed', code: 'CLIENT_ERR_KICKED', serverCode: 'GATE_ERR_DUPLICATE_LOGIN', wireCode: 4104 });
    await expect(first.request('Echo.echo', 1)).rejects.toMatchObject({ code: 'CLIENT_ERR_NOT_OPEN', cause: { serverCode: 'GATE_ERR_DUPLICATE_LOGIN' } });
    expect(await second.request('Echo.echo', 1)).toBe(1);
    second.close();
  });

  describe('bad input is refused while others are served', () => {
    let bystander: GateClient;
    beforeAll(async () => {
      bystander = await player();
    });
    afterAll(async () => {
      // Everything below happened next to it; it never noticed.
      expect(await bystander.request('Echo.echo', 'fine')).toBe('fine');
      expect(bystander.isOpen).toBe(true);
      bystander.close();
    });

    it('closes a connection that sends bytes before the handshake with PROTOCOL_ERR_BAD_PACKET_TYPE', async () => {
      expect(kickIn(await rawExchange(Buffer.from('GET / HTTP/1.1\r\n\r\n')))).toMatchObject({ code: 4001, name: 'PROTOCOL_ERR_BAD_PACKET_TYPE' });
    });

    it('refuses a client without a protocol version in common with PROTOCOL_ERR_VERSION', async () => {
      const handshake = encodePacket(PACKET.HANDSHAKE, Buffer.concat([Buffer.from([7, 9, 0, 0]), Buffer.alloc(48)]));
      expect(kickIn(await rawExchange(handshake))).toMatchObject({ code: 4004, name: 'PROTOCOL_ERR_VERSION' });
    });

    it('refuses an oversize packet at its header with PROTOCOL_ERR_FRAME_TOO_LARGE', async () => {
      expect(kickIn(await rawExchange(Buffer.from([PACKET.HANDSHAKE, 0xff, 0xff, 0xff])))).toMatchObject({ code: 4002, name: 'PROTOCOL_ERR_FRAME_TOO_LARGE' });
    });

    it.each([
      ['forged (another key)', 'AUTH_ERR_TOKEN_INVALID', async () => (await new TokenIssuer({ key: await SigningKey.generate(), clock: new SystemClock() }).issue({ uid: 'u-forged', name: 'forged' })).token],
      ['expired', 'AUTH_ERR_TOKEN_EXPIRED', async () => {
        const past = { now: () => Date.now() - 3_600_000, setTimer: () => ({}) as never, clearTimer: () => undefined };
        return (await new TokenIssuer({ key, clock: past, ttlSec: 60 }).issue({ uid: 'u-expired', name: 'expired' })).token;
      }],
      ['alg none', 'AUTH_ERR_TOKEN_INVALID', async () => {
        const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
        return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'u-none', name: 'none', iss: 'tessera', aud: 'tessera-gate', exp: Math.floor(Date.now() / 1000) + 60 })}.`;
      }],
    ])('kicks a client with a %s token with GATE_ERR_AUTH_FAILED naming %s', async (_, code, token) => {
      const client = await connectGate({ endpoint: gateInfo.tcp!, transport: 'tcp', gateKey: gateInfo.publicKey });
      const closed = closeOf(client);
      const refused = await client.auth(await token()).then(() => undefined, (err: unknown) => err);
      expect(refused).toBeInstanceOf(ConnectionClosed);
      expect(refused).toMatchObject({ code: 'CLIENT_ERR_KICKED', serverCode: 'GATE_ERR_AUTH_FAILED', wireCode: 4101 });
      expect(await closed).toMatchObject({ name: 'GATE_ERR_AUTH_FAILED', code: 4101, message: expect.stringContaining(code) });
    });

    it.each([
      ['replayed', (packet: Uint8Array) => [packet, packet]],
      ['tampered', (packet: Uint8Array) => [Uint8Array.from(packet, (b, i) => (i === packet.length - 1 ? b ^ 1 : b))]],
    ] as const)('closes the connection of a %s encrypted packet with PROTOCOL_ERR_DECRYPT', async (_, mangle) => {
      let armed = false;
      const mangling: ClientTransportFactory = async (endpoint, events) => {
        const pipe = await tcpTransport(endpoint, events);
        return { close: () => pipe.close(), write: (bytes) => (armed ? ((armed = false), mangle(bytes).forEach((b) => pipe.write(b))) : pipe.write(bytes)) };
      };
      const client = await player('tcp', mangling);
      const closed = closeOf(client);
      armed = true;
      await client.request('Echo.echo', 1).catch(() => undefined);
      expect(await closed).toMatchObject({ name: 'PROTOCOL_ERR_DECRYPT', code: 4006 });
    });

    it.each(['tcp', 'kcp'] as const)('kicks a client that floods past the rate limit over %s with GATE_ERR_RATE_LIMIT', async (transport) => {
      const client = await player(transport);
      const closed = closeOf(client);
      for (let i = 0; i < RATE * 3; i++) client.notify('Echo.echo', i);
      expect(await closed).toMatchObject({ name: 'GATE_ERR_RATE_LIMIT', code: 4105 });
    });

    it('answers a blocked route, an unknown route and a route before login with errors, and stays open', async () => {
      const anonymous = await connectGate({ endpoint: gateInfo.tcp!, transport: 'tcp', gateKey: gateInfo.publicKey });
      await expect(anonymous.request('Echo.echo', 1)).rejects.toMatchObject({ code: 'CLIENT_ERR_REQUEST_REFUSED', serverCode: 'GATE_ERR_NOT_AUTHENTICATED', wireCode: 4102 });
      anonymous.close();
      const client = await player();
      await expect(client.request('admin.kick', 'someone')).rejects.toMatchObject({ serverCode: 'GATE_ERR_ROUTE_BLOCKED', wireCode: 4103 });
      const unknown = await client.request('Nothing.here').catch((err: unknown) => err);
      expect(unknown).toBeInstanceOf(RequestError);
      expect(unknown).toMatchObject({ serverCode: 'LOBBY_ERR_UNKNOWN_ROUTE', wireCode: expect.any(Number) });
      expect((unknown as RequestError).wireCode).toBeGreaterThan(6000);
      expect(await client.request('Echo.echo', 'open')).toBe('open');
      client.close();
    });
  });

  it('reloads its route rules on SIGHUP without dropping anyone', async () => {
    const client = await player();
    await writeFile(standalone.configPath, JSON.stringify(config({ ...RULES, 'Echo.*': 'block' })));
    server.child.kill('SIGHUP');
    await expect.poll(() => client.request('Echo.echo', 1).then(() => 'passed', (err: RequestError) => err.serverCode), { timeout: 5_000 }).toBe('GATE_ERR_ROUTE_BLOCKED');
    await writeFile(standalone.configPath, JSON.stringify(config(RULES)));
    server.child.kill('SIGHUP');
    await expect.poll(() => client.request('Echo.echo', 1).then(() => 'passed', (err: RequestError) => err.serverCode), { timeout: 5_000 }).toBe('passed');
    client.close();
  });
});
