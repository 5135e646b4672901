/**
 * Hostile login tokens against a real gate (a standalone main.ts process), while a bystander
 * plays: a `kid` naming a file, `jku`, `x5u` and `jwk` headers pointing at the attacker's own
 * key, `alg: none`, HS256 keyed with the gate's public key, a token past the size cap, and a
 * packet of megabytes claiming to carry one. Each is refused with GATE_ERR_AUTH_FAILED (or, for
 * the oversize packet, a protocol error at its header), the gate fetches nothing from the URLs
 * the tokens name, and the bystander's requests are answered in order all along.
 */
import { createHmac, KeyObject, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionClosed, connectGate, type GateClient } from '../../client-sim/node-client.js';
import { tcpTransport } from '../../client-sim/node-transports.js';
import type { ClientPipe, ClientTransportFactory } from '../../client-sim/client-transport.js';
import { SigningKey } from '../../engine/auth/signing-key.js';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '../../engine/auth/token-issuer.js';
import { PACKET } from '../../engine/protocol/constants.js';
import { Bystander } from './fixtures/bystander.js';
import { startHostileServer, type HostileServer } from './fixtures/hostile-standalone.js';

let server: HostileServer;
let bystander: Bystander;
let attacker: SigningKey;
/** The attacker's key server: every request it gets is one the gate should never have made. */
let keyServer: Server;
let keyServerUrl: string;
const keyServerHits: string[] = [];

const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const claims = (): Record<string, unknown> => ({ sub: 'u-hostile', name: 'hostile', iss: DEFAULT_ISSUER, aud: DEFAULT_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 });

/**
 * A token signed with the attacker's Ed25519 key, with `header` added to its protected header;
 * signed by hand, since a JOSE library refuses to write some of these headers.
 */
function signedByAttacker(header: Record<string, unknown>): string {
  const signed = `${part({ alg: 'EdDSA', typ: 'JWT', ...header })}.${part(claims())}`;
  return `${signed}.${sign(null, Buffer.from(signed), KeyObject.from(attacker.privateKey)).toString('base64url')}`;
}

/** A token MACed with HS256 under `secret`: the confusion of a verifier that lets the token pick its algorithm. */
function hs256(secret: string | Buffer): string {
  const signed = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims())}`;
  return `${signed}.${createHmac('sha256', secret).update(signed).digest('base64url')}`;
}

beforeAll(async () => {
  attacker = await SigningKey.generate();
  const jwks = JSON.stringify({ keys: [{ ...attacker.publicJwk, kid: 'attacker' }] });
  keyServer = createServer((req, res) => {
    keyServerHits.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    res.end(jwks);
  });
  await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
  keyServerUrl = `http://127.0.0.1:${(keyServer.address() as { port: number }).port}`;
  server = await startHostileServer();
  bystander = await Bystander.start({ loginUrl: server.loginUrl, gate: server.gate });
}, 60_000);

afterAll(async () => {
  const report = await bystander?.stop();
  await server?.standalone.stop();
  await new Promise((resolve) => keyServer?.close(resolve));
  expect(report?.problems).toEqual([]);
});

/** Connects from 127.0.0.1 and authenticates with `token`; resolves with how the gate refused it. */
async function refusal(token: string): Promise<unknown> {
  const client = await connectGate({ endpoint: server.gate.tcp, transport: 'tcp', gateKey: server.gate.publicKey });
  return client.auth(token).then(
    () => 'accepted',
    (err: unknown) => err,
  );
}

describe('hostile tokens', () => {
  it.each([
    ['a kid that names a file', 'AUTH_ERR_TOKEN_INVALID', () => signedByAttacker({ kid: '../../../../etc/passwd' })],
    ['a kid that names a file, with a NUL', 'AUTH_ERR_TOKEN_INVALID', () => signedByAttacker({ kid: '../../../../etc/passwd\u0000.pem' })],
    ['a jku pointing at the attacker’s keys', 'AUTH_ERR_TOKEN_INVALID', () => signedByAttacker({ kid: 'attacker', jku: `${keyServerUrl}/jwks.json` })],
    ['an x5u pointing at the attacker’s certificate', 'AUTH_ERR_TOKEN_INVALID', () => signedByAttacker({ x5u: `${keyServerUrl}/cert.pem` })],
    ['the attacker’s key embedded as jwk', 'AUTH_ERR_TOKEN_INVALID', () => signedByAttacker({ jwk: { ...attacker.publicJwk } })],
    ['alg none', 'AUTH_ERR_TOKEN_INVALID', async () => `${part({ alg: 'none', typ: 'JWT' })}.${part(claims())}.`],
    ['HS256 keyed with the gate’s public key as PEM', 'AUTH_ERR_TOKEN_INVALID', async () => hs256(await server.standalone.key.exportPublicPem())],
    ['HS256 keyed with the raw public key', 'AUTH_ERR_TOKEN_INVALID', async () => hs256(Buffer.from(server.standalone.key.publicJwk.x!, 'base64url'))],
    ['a critical header the gate does not know', 'AUTH_ERR_TOKEN_INVALID', () => signedByAttacker({ crit: ['exp'], kid: 'x' })],
    ['a token just past the size cap', 'AUTH_ERR_TOKEN_TOO_LARGE', async () => `${part({ alg: 'EdDSA' })}.${'A'.repeat(4_096)}.${'A'.repeat(86)}`],
    ['a token of 60 KiB', 'AUTH_ERR_TOKEN_TOO_LARGE', async () => `${part({ alg: 'EdDSA' })}.${'A'.repeat(60 * 1024)}.${'A'.repeat(86)}`],
  ])('refuses %s with GATE_ERR_AUTH_FAILED naming %s', async (_, code, token) => {
    const refused = await refusal(await token());
    expect(refused).toBeInstanceOf(ConnectionClosed);
    expect(refused).toMatchObject({ code: 'CLIENT_ERR_KICKED', serverCode: 'GATE_ERR_AUTH_FAILED', serverMessage: expect.stringContaining(code) });
    await bystander.served();
  });

  it('refuses a packet declaring a megabyte at its header, before reading it, with PROTOCOL_ERR_FRAME_TOO_LARGE', async () => {
    let pipe: ClientPipe | undefined;
    const capturing: ClientTransportFactory = async (endpoint, events) => (pipe = await tcpTransport(endpoint, events));
    const client: GateClient = await connectGate({ endpoint: server.gate.tcp, transport: capturing, gateKey: server.gate.publicKey });
    const closed = new Promise<{ name: string }>((resolve) => client.onClose((reason) => resolve(reason)));
    const megabyte = 1 << 20;
    pipe!.write(Uint8Array.from([PACKET.DATA, (megabyte >> 16) & 0xff, (megabyte >> 8) & 0xff, megabyte & 0xff]));
    // The rest of the "token" follows; the gate has closed by then, or reads none of it.
    for (let sent = 0; sent < megabyte; sent += 64 * 1024) pipe!.write(new Uint8Array(64 * 1024).fill(0x41));
    expect(await closed).toMatchObject({ name: 'PROTOCOL_ERR_FRAME_TOO_LARGE' });
    await bystander.served();
  });

  it('fetched nothing from the URLs the tokens named', () => {
    expect(keyServerHits).toEqual([]);
  });
});
