/**
 * Hostile requests from authenticated clients against a real gate and lobby (a standalone main.ts
 * process), while a bystander plays: compression bombs, msgpack bombs in request arguments (deep
 * nesting, lengths declared in gigabytes, tens of thousands of small maps, keys that would
 * pollute a prototype) and routes named after Object.prototype's members. Each gets a coded
 * answer (a protocol kick for a bomb, an error reply for a bad request), nothing on the server is
 * polluted, and the bystander's requests are answered in order all along.
 */
import { deflateRawSync } from 'node:zlib';
import { encode as encodeUnchecked } from '@msgpack/msgpack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectGate, type GateClient } from '../../client-sim/node-client.js';
import { TokenIssuer } from '../../engine/auth/token-issuer.js';
import { MsgpackCodec } from '../../engine/codec/msgpack-codec.js';
import { withLengthHeader, type Compression } from '../../engine/protocol/compression.js';
import { createCompression } from '../../engine/protocol/compression-zlib.js';
import { SystemClock } from '../../engine/timer/clock.js';
import { Bystander } from './fixtures/bystander.js';
import { startHostileServer, type HostileServer } from './fixtures/hostile-standalone.js';
import { rawRequest } from './fixtures/raw-request.js';

const codec = new MsgpackCodec();

let server: HostileServer;
let bystander: Bystander;
let issuer: TokenIssuer;
let attackers = 0;

beforeAll(async () => {
  server = await startHostileServer();
  issuer = new TokenIssuer({ key: server.standalone.key, clock: new SystemClock() });
  bystander = await Bystander.start({ loginUrl: server.loginUrl, gate: server.gate });
}, 60_000);

afterAll(async () => {
  const report = await bystander?.stop();
  await server?.standalone.stop();
  expect(report?.problems).toEqual([]);
});

/** An authenticated attacker with an account of its own; `compressions` as its SDK would offer. */
async function attacker(compressions?: Compression[]): Promise<GateClient> {
  const uid = `attacker-${process.pid}-${++attackers}`;
  const client = await connectGate({ endpoint: server.gate.tcp, transport: 'tcp', gateKey: server.gate.publicKey, ...(compressions ? { compressions } : {}) });
  await client.auth((await issuer.issue({ uid, name: uid })).token);
  return client;
}

/** How a request ended: its result, or the code the gate or lobby answered with. */
async function outcome(request: Promise<unknown>): Promise<unknown> {
  return request.then(
    (result) => ({ result }),
    (err: { serverCode?: string; code?: string }) => ({ code: err.serverCode ?? err.code }),
  );
}

/**
 * A compression that sends `bomb` in place of whatever it is given: the SDK then flags the
 * message as compressed and the gate inflates `bomb`.
 */
function bombing(bomb: Uint8Array): Compression {
  const real = createCompression('deflate-raw');
  return { name: real.name, compress: () => bomb, decompress: (input, max) => real.decompress(input, max) };
}

describe('compression bombs', () => {
  // 32 MiB of zeros deflate to about 32 KiB: smaller than the request they replace.
  const zeros = deflateRawSync(new Uint8Array(32 << 20), { level: 9 });
  const payload = 'x'.repeat(60_000);

  it.each([
    ['declares 32 MiB', 'PROTOCOL_ERR_INFLATED_TOO_LARGE', withLengthHeader(32 << 20, zeros)],
    ['declares 2 KiB and inflates to 32 MiB', 'PROTOCOL_ERR_DECOMPRESS', withLengthHeader(2_048, zeros)],
  ])('closes the connection of a message that %s with %s', async (_, code, bomb) => {
    expect(bomb.length).toBeLessThan(payload.length);
    const client = await attacker([bombing(bomb)]);
    const closed = new Promise<{ name: string }>((resolve) => client.onClose((reason) => resolve(reason)));
    expect(await outcome(client.request('Echo.echo', payload))).toEqual({ code });
    expect(await closed).toMatchObject({ name: code });
    await bystander.served();
  });
});

describe('msgpack bombs in request arguments', () => {
  const str32 = (declared: number): number[] => [0xdb, declared >>> 24, (declared >>> 16) & 0xff, (declared >>> 8) & 0xff, declared & 0xff];
  it.each([
    ['nested 10,000 deep', Uint8Array.from([0x91, ...Array<number>(10_000).fill(0x91), 0xc0])],
    ['an array declaring 4 billion elements', Uint8Array.from([0x91, 0xdd, 0xff, 0xff, 0xff, 0xff])],
    ['a map declaring 4 billion entries', Uint8Array.from([0x91, 0xdf, 0xff, 0xff, 0xff, 0xff])],
    ['a string declaring 4 GiB', Uint8Array.from([0x91, ...str32(0xffff_ffff), 0x41])],
    ['a binary declaring 4 GiB', Uint8Array.from([0x91, 0xc6, 0xff, 0xff, 0xff, 0xff, 0x41])],
    ['an array of 60,000 empty maps', Uint8Array.from([0x91, 0xdd, 0, 0, 0xea, 0x60, ...Array<number>(60_000).fill(0x80)])],
    // Our codec refuses to write these keys: another library writes them as given.
    ['a __proto__ key', encodeUnchecked([JSON.parse('{"__proto__": {"polluted": true}}')])],
    ['a constructor key', encodeUnchecked([{ constructor: { prototype: { polluted: true } } }])],
    ['an argument list that is not an array', codec.encode({ 0: 'a' })],
    ['bytes that are not msgpack', Uint8Array.from([0xc1, 0xc1, 0xc1])],
  ])('answers %s with LOBBY_ERR_BAD_ARGS and keeps the connection', async (_, args) => {
    const client = await attacker();
    expect(await outcome(rawRequest(client, 'Echo.echo', args))).toEqual({ code: 'LOBBY_ERR_BAD_ARGS' });
    expect(await client.request('Echo.echo', 'after')).toBe('after');
    client.close();
    await bystander.served();
  });

  it('answers requests of tens of thousands of small maps within the limits, 64 at a time, and the bystander is still served', async () => {
    const client = await attacker();
    // 16 arrays of 4,000 empty maps: 64,000 objects from 63 KiB, just within the message limit.
    const maps = Array.from({ length: 16 }, () => Array.from({ length: 4_000 }, () => ({})));
    const outcomes = await Promise.all(Array.from({ length: 64 }, () => outcome(client.request('Echo.echo', maps))));
    expect(outcomes.filter((o) => (o as { result?: unknown }).result === undefined)).toEqual([]);
    expect((outcomes[0] as { result: unknown }).result).toEqual(maps);
    client.close();
    await bystander.served();
  }, 60_000);

  it('left Object.prototype of the lobby unpolluted', async () => {
    const client = await attacker();
    expect(await client.request('Echo.echo', {})).toEqual({});
    expect(await client.request('Echo.echo', [{}])).toEqual([{}]);
    client.close();
  });
});

describe('routes named after Object.prototype', () => {
  it.each([
    '__proto__.x', 'constructor.x', 'toString.x', 'hasOwnProperty.x', 'Echo.__proto__', 'Echo.constructor', 'Echo.toString', 'Echo.hasOwnProperty',
    'Echo.valueOf', '__proto__.__proto__', 'constructor.constructor', 'sys.__proto__', '__proto__', 'constructor', 'toString',
  ])('answers %s with a coded error and keeps the connection', async (route) => {
    const client = await attacker();
    const result = await outcome(rawRequest(client, route, codec.encode([])));
    expect(result).toEqual({ code: expect.stringMatching(/^(LOBBY_ERR_UNKNOWN_ROUTE|LOBBY_ERR_NOT_CALLABLE|GATE_ERR_ROUTE_BLOCKED)$/) });
    expect(await client.request('Echo.echo', 'after')).toBe('after');
    client.close();
    await bystander.served();
  });
});
