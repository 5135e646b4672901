/**
 * The SDK's login calls against a real HTTP server on loopback that answers what a wrong URL or a
 * broken service would: each failure is a coded ClientError naming what is wrong.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../engine/testing/free-port.js';
import { ClientError } from './errors.js';
import { login, LoginFailed, register } from './login.js';

const GOOD_KEY = Buffer.alloc(32, 7).toString('base64');
const gate = { id: 'gate-0', ws: 'ws://127.0.0.1:3011/', publicKey: GOOD_KEY };
const other = { id: 'gate-1', tcp: '127.0.0.1:4010', publicKey: GOOD_KEY };
const REPLIES: Record<string, { status: number; type: string; body: string; headers?: Record<string, string> }> = {
  '/html/login': { status: 200, type: 'text/html', body: '<html>not the login service</html>' },
  '/no-token/login': { status: 200, type: 'application/json', body: JSON.stringify({ uid: 'u1', expiresAt: 1, gate }) },
  '/no-address/login': { status: 200, type: 'application/json', body: JSON.stringify({ token: 't', uid: 'u1', expiresAt: 1, gate: { id: 'g', publicKey: GOOD_KEY } }) },
  '/bad-key/login': { status: 200, type: 'application/json', body: JSON.stringify({ token: 't', uid: 'u1', expiresAt: 1, gate: { ...gate, publicKey: 'a%b' } }) },
  '/good/login': { status: 200, type: 'application/json', body: JSON.stringify({ token: 't', uid: 'u1', expiresAt: 1, gate }) },
  '/listed/login': {
    status: 200,
    type: 'application/json',
    body: JSON.stringify({ token: 't', uid: 'u1', expiresAt: 1, gate, gates: [gate, other, { id: 'no-address', publicKey: GOOD_KEY }, { ...other, id: 'bad-key', publicKey: 'a%b' }, 'junk'] }),
  },
  '/no-uid/register': { status: 201, type: 'application/json', body: '{}' },
  '/refused/register': { status: 409, type: 'application/json', body: JSON.stringify({ error: { code: 'LOGIN_ERR_USERNAME_TAKEN', wire: 5102, message: 'username is taken: ada' } }) },
  '/limited/login': {
    status: 429,
    type: 'application/json',
    headers: { 'retry-after': '3' },
    body: JSON.stringify({ error: { code: 'LOGIN_ERR_RATE_LIMITED', wire: 5104, message: 'too many attempts; retry later' } }),
  },
};

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const reply = REPLIES[req.url ?? ''] ?? { status: 404, type: 'text/plain', body: 'not found' };
    res.writeHead(reply.status, { 'content-type': reply.type, ...reply.headers }).end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('login and register', () => {
  it('return a checked reply from a service that answers as the login service does', async () => {
    await expect(login(`${base}/good/`, 'ada', 'pw')).resolves.toEqual({ token: 't', uid: 'u1', expiresAt: 1, gate, gates: [gate] });
  });

  it("list the reply's gates with the chosen one first, leaving out entries that are not gates a client can reach", async () => {
    expect((await login(`${base}/listed`, 'ada', 'pw')).gates).toEqual([gate, other]);
  });

  it('refuse a base URL that is not http(s) with CLIENT_ERR_INVALID_ENDPOINT', async () => {
    await expect(login('127.0.0.1:8080', 'ada', 'pw')).rejects.toMatchObject({ name: 'ClientError', code: 'CLIENT_ERR_INVALID_ENDPOINT' });
  });

  it('fail with CLIENT_ERR_LOGIN_UNREACHABLE when nothing listens, naming the URL and login.cors.origins', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const refused = login(url, 'ada', 'pw');
    await expect(refused).rejects.toMatchObject({ code: 'CLIENT_ERR_LOGIN_UNREACHABLE' });
    await expect(refused).rejects.toThrow(`POST ${url}/login failed`);
    await expect(refused).rejects.toThrow(/login\.cors\.origins/);
  });

  it('fail with CLIENT_ERR_LOGIN_REPLY for a reply that is not JSON, has no token, no gate address, or no uid', async () => {
    for (const path of ['html', 'no-token', 'no-address']) {
      await expect(login(`${base}/${path}`, 'ada', 'pw'), path).rejects.toMatchObject({ code: 'CLIENT_ERR_LOGIN_REPLY' });
    }
    await expect(register(`${base}/no-uid`, 'ada', 'pw')).rejects.toMatchObject({ code: 'CLIENT_ERR_LOGIN_REPLY' });
  });

  it("fail with CLIENT_ERR_INVALID_GATE_KEY when the reply's gate key is malformed, saying it came from the reply", async () => {
    await expect(login(`${base}/bad-key`, 'ada', 'pw')).rejects.toThrow(/^CLIENT_ERR_INVALID_GATE_KEY: .*the login reply's gate\.publicKey/);
  });

  it("pass the service's refusals on as LoginFailed, CLIENT_ERR_LOGIN_REFUSED, with its code, wire code and status", async () => {
    const refused = register(`${base}/refused`, 'ada', 'pw');
    await expect(refused).rejects.toBeInstanceOf(LoginFailed);
    await expect(refused).rejects.toBeInstanceOf(ClientError);
    await expect(refused).rejects.toMatchObject({ code: 'CLIENT_ERR_LOGIN_REFUSED', status: 409, serverCode: 'LOGIN_ERR_USERNAME_TAKEN', wireCode: 5102, serverMessage: 'username is taken: ada' });
    await expect(refused).rejects.toThrow('CLIENT_ERR_LOGIN_REFUSED: login service refused; err.serverCode says why: LOGIN_ERR_USERNAME_TAKEN (409): username is taken: ada');
  });

  it('say when to retry a refusal that came with Retry-After', async () => {
    const limited = login(`${base}/limited`, 'ada', 'pw');
    await expect(limited).rejects.toMatchObject({ code: 'CLIENT_ERR_LOGIN_REFUSED', serverCode: 'LOGIN_ERR_RATE_LIMITED', status: 429, retryAfterMs: 3_000 });
    await expect(limited).rejects.toThrow(/retry after 3 s$/);
  });
});
