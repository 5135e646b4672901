import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { isValid } from 'ulid';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SigningKey } from '../../engine/auth/signing-key.js';
import { TokenIssuer } from '../../engine/auth/token-issuer.js';
import { TokenVerifier } from '../../engine/auth/token-verifier.js';
import type { Config } from '../../engine/config/config-schema.js';
import { defaults } from '../../engine/config/defaults.js';
import { openLmdbStore } from '../../engine/persist/lmdb-store.js';
import { StoreError } from '../../engine/persist/errors.js';
import type { Store } from '../../engine/persist/store.js';
import { MemoryLogger } from '../../engine/testing/memory-logger.js';
import { ManualClock } from '../../engine/timer/clock.js';
import { HttpServer } from '../http/http-server.js';
import type { GateEndpoint, ListGates, PickGate } from '../../engine/auth/gate-endpoint.js';
import { AccountStore } from './account-store.js';
import { HashQueue } from './hash-queue.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { registerLoginRoutes } from './login-routes.js';
import { LoginService } from './login-service.js';
import { PasswordHasher, scryptKdf, type Kdf } from './password-hasher.js';

const dir = await mkdtemp(join(tmpdir(), 'login-routes-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
const key = await SigningKey.generate();
const GATE: GateEndpoint = { id: 'gate-1', tcp: '127.0.0.1:4000', ws: 'ws://127.0.0.1:4001/ws', publicKey: 'A'.repeat(43) + '=' };
const PASSWORD = 'correct horse battery';
const CHEAP = { N: 2 ** 10, r: 1, p: 1 };

let stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.map((s) => s.close()));
  stores = [];
});

interface SetupOptions {
  rateLimit?: Partial<Config['login']['rateLimit']>;
  pickGate?: PickGate;
  listGates?: ListGates;
  trustProxy?: string[];
  /** Wraps the real store, to fail one of its calls as a broken backend would. */
  wrapStore?: (store: Store) => Store;
}

async function setup(options: SetupOptions = {}) {
  const clock = new ManualClock(1_700_000_000_000);
  const logger = new MemoryLogger();
  const store = options.wrapStore ? options.wrapStore(openStore()) : openStore();
  const { app } = new HttpServer({ host: '127.0.0.1', port: 0, logger, ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}) });
  const login = {
    ...defaults.login,
    scrypt: CHEAP,
    rateLimit: { ...defaults.login.rateLimit, perIpPerMinute: 1000, perIpPerUserPerMinute: 1000, ...options.rateLimit },
  };
  const pickGate = options.pickGate ?? (() => GATE);
  const listGates = options.listGates ? { listGates: options.listGates } : {};
  await new LoginService({ app, store, clock, logger, pickGate, ...listGates, login, auth: defaults.auth, signingKey: key }).start();
  return { app, clock, logger, store };
}

function openStore(): Store {
  const store = openLmdbStore({ path: join(dir, `store-${stores.length}-${Math.random().toString(36).slice(2)}`) });
  stores.push(store);
  return store;
}

function post(app: FastifyInstance, url: string, payload: unknown, ip = '127.0.0.1') {
  return app.inject({ method: 'POST', url, payload: payload as object, remoteAddress: ip });
}

describe('POST /register', () => {
  it('creates an account and answers 201 with its uid', async () => {
    const { app } = await setup();
    const res = await post(app, '/register', { username: 'alice', password: PASSWORD });
    expect(res.statusCode).toBe(201);
    expect(isValid(res.json<{ uid: string }>().uid)).toBe(true);
  });

  it('answers 409 LOGIN_ERR_USERNAME_TAKEN for a name that exists in any casing', async () => {
    const { app } = await setup();
    await post(app, '/register', { username: 'alice', password: PASSWORD });
    const res = await post(app, '/register', { username: ' ALICE', password: 'another password' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: { code: 'LOGIN_ERR_USERNAME_TAKEN', wire: 5102, message: 'username is taken: alice' } });
  });

  it('answers 400 LOGIN_ERR_BAD_REQUEST for an invalid username or a too short password, creating nothing', async () => {
    const { app, store } = await setup();
    for (const body of [{ username: 'a b', password: PASSWORD }, { username: 'bob', password: 'short' }]) {
      const res = await post(app, '/register', body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'LOGIN_ERR_BAD_REQUEST', wire: 5101 });
    }
    expect(await store.find('accounts', {})).toEqual([]);
  });
});

describe('POST /login', () => {
  it('answers a token the served JWKS verifies, with its expiry, the uid and the gate', async () => {
    const { app, clock } = await setup();
    const { uid } = (await post(app, '/register', { username: 'Alice', password: PASSWORD })).json<{ uid: string }>();
    const res = await post(app, '/login', { username: 'alice', password: PASSWORD });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ token: string; expiresAt: number; uid: string; gate: GateEndpoint }>();
    expect(body).toEqual({ token: body.token, expiresAt: 1_700_000_300_000, uid, gate: GATE, gates: [GATE] });

    const jwks = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(jwks.headers['cache-control']).toBe('public, max-age=300');
    const { keys } = jwks.json<{ keys: [{ kid: string }] }>();
    expect(keys.map((k) => k.kid)).toEqual([key.kid]);
    const verifier = await TokenVerifier.create({ clock, key: keys[0] });
    expect(await verifier.verify(body.token)).toEqual({ uid, name: 'alice', expiresAt: body.expiresAt });
  });

  it('lists every gate in gates, the picked one first, for the client to resume on when its gate is lost', async () => {
    const other: GateEndpoint = { id: 'gate-0', tcp: '127.0.0.1:4010', publicKey: GATE.publicKey };
    const { app } = await setup({ listGates: () => [other, GATE] });
    await post(app, '/register', { username: 'bob', password: PASSWORD });
    const body = (await post(app, '/login', { username: 'bob', password: PASSWORD })).json<{ gate: GateEndpoint; gates: GateEndpoint[] }>();
    expect(body.gate).toEqual(GATE);
    expect(body.gates).toEqual([GATE, other]);
  });

  it('answers 401 LOGIN_ERR_BAD_CREDENTIALS alike for a wrong password and an unknown user, logging why without the password', async () => {
    const { app, logger } = await setup();
    await post(app, '/register', { username: 'alice', password: PASSWORD });
    const wrong = await post(app, '/login', { username: 'alice', password: 'not the password' });
    const unknown = await post(app, '/login', { username: 'mallory', password: 'not the password' });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'LOGIN_ERR_BAD_CREDENTIALS', wire: 5103, message: 'wrong username or password: check both and try again' } });
    }
    const failed = logger.at('info').filter((l) => l.message === 'login failed');
    expect(failed.map((l) => [l.meta.username, l.meta.reason])).toEqual([['alice', 'wrong password'], ['mallory', 'unknown user']]);
    expect(JSON.stringify(logger.lines)).not.toContain('not the password');
    expect(JSON.stringify(logger.lines)).not.toContain(PASSWORD);
  });

  it('lets the owner in from a new address while many addresses fail on the account, at the default limits', async () => {
    const { app } = await setup({ rateLimit: defaults.login.rateLimit });
    await post(app, '/register', { username: 'alice', password: PASSWORD });
    for (let i = 1; i <= 50; i++) expect((await post(app, '/login', { username: 'alice', password: 'guess guess' }, `10.0.0.${i}`)).statusCode).toBe(401);
    expect((await post(app, '/login', { username: 'alice', password: PASSWORD }, '192.168.1.20')).statusCode).toBe(200);
  });

  it('answers 429 LOGIN_ERR_RATE_LIMITED to an address that tried one username too often, and to that pair only', async () => {
    const { app, clock } = await setup({ rateLimit: { perIpPerUserPerMinute: 3 } });
    await post(app, '/register', { username: 'alice', password: PASSWORD });
    for (let i = 0; i < 3; i++) expect((await post(app, '/login', { username: 'alice', password: 'guess guess' }, '10.0.0.1')).statusCode).toBe(401);
    const limited = await post(app, '/login', { username: 'alice', password: PASSWORD }, '10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('20');
    expect(limited.json()).toEqual({
      error: { code: 'LOGIN_ERR_RATE_LIMITED', wire: 5104, message: 'too many attempts; retry later: too many attempts on this username from this address' },
    });
    expect((await post(app, '/login', { username: 'bob', password: PASSWORD }, '10.0.0.1')).statusCode).toBe(401);
    expect((await post(app, '/login', { username: 'alice', password: PASSWORD }, '10.0.0.2')).statusCode).toBe(200);
    clock.advance(20_000);
    expect((await post(app, '/login', { username: 'alice', password: PASSWORD }, '10.0.0.1')).statusCode).toBe(200);
  });

  it('slows each address on a username that failed past slowdownAfterFailures, with a Retry-After that grows, never refusing a fresh address', async () => {
    const { app, clock } = await setup({ rateLimit: { slowdownAfterFailures: 5, slowdownMaxSec: 60 } });
    await post(app, '/register', { username: 'alice', password: PASSWORD });
    for (let i = 1; i <= 5; i++) await post(app, '/login', { username: 'alice', password: 'guess guess' }, `10.0.0.${i}`);
    const waits: string[] = [];
    for (let i = 0; i < 3; i++) {
      expect((await post(app, '/login', { username: 'alice', password: 'guess guess' }, '10.9.9.9')).statusCode).toBe(401);
      const slowed = await post(app, '/login', { username: 'alice', password: 'guess guess' }, '10.9.9.9');
      expect(slowed.statusCode).toBe(429);
      expect(slowed.json().error.message).toBe('too many attempts; retry later: this username had many failed logins; wait between attempts');
      waits.push(slowed.headers['retry-after'] as string);
      clock.advance(Number(slowed.headers['retry-after']) * 1000);
    }
    expect(waits).toEqual(['1', '2', '4']);
    expect((await post(app, '/login', { username: 'alice', password: PASSWORD }, '192.168.1.20')).statusCode).toBe(200);
  });

  it('answers 429 LOGIN_ERR_RATE_LIMITED once an address had its attempts on any usernames, until time refills them', async () => {
    const { app, clock } = await setup({ rateLimit: { perIpPerMinute: 3 } });
    expect((await post(app, '/register', { username: 'alice', password: PASSWORD }, '10.0.0.1')).statusCode).toBe(201);
    for (const username of ['bob', 'carol']) expect((await post(app, '/login', { username, password: PASSWORD }, '10.0.0.1')).statusCode).toBe(401);
    const limited = await post(app, '/login', { username: 'alice', password: PASSWORD }, '10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('20');
    expect((await post(app, '/register', { username: 'dave', password: PASSWORD }, '10.0.0.1')).statusCode).toBe(429);
    expect((await post(app, '/login', { username: 'alice', password: PASSWORD }, '10.0.0.2')).statusCode).toBe(200);
    clock.advance(20_000);
    expect((await post(app, '/login', { username: 'alice', password: PASSWORD }, '10.0.0.1')).statusCode).toBe(200);
  });

  it('lets addresses in login.rateLimit.exempt log in and register without limit, loopback over IPv4 mapped into IPv6 too', async () => {
    const { app } = await setup({ rateLimit: { perIpPerMinute: 2, perIpPerUserPerMinute: 1, slowdownAfterFailures: 1, exempt: ['127.0.0.0/8', '::1'] } });
    for (let i = 0; i < 5; i++) expect((await post(app, '/register', { username: `bot${i}`, password: PASSWORD }, '127.0.0.1')).statusCode).toBe(201);
    for (const ip of ['127.0.0.1', '::ffff:127.0.0.1', '::1', '127.0.0.2']) {
      for (let i = 0; i < 3; i++) expect((await post(app, '/login', { username: 'bot0', password: 'guess guess' }, ip)).statusCode, ip).toBe(401);
      for (let i = 0; i < 3; i++) expect((await post(app, '/login', { username: 'bot0', password: PASSWORD }, ip)).statusCode, ip).toBe(200);
    }
    // Others are limited as before, and the exempt failures above did not slow bot0 down for them.
    expect((await post(app, '/login', { username: 'bot0', password: PASSWORD }, '10.0.0.1')).statusCode).toBe(200);
    expect((await post(app, '/login', { username: 'bot0', password: PASSWORD }, '10.0.0.1')).statusCode).toBe(429);
  });

  it('answers 503 LOGIN_ERR_NO_GATE, and no token, when no gate can take the player', async () => {
    const { app } = await setup({ pickGate: () => undefined });
    await post(app, '/register', { username: 'alice', password: PASSWORD });
    const res = await post(app, '/login', { username: 'alice', password: PASSWORD });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toEqual({ error: { code: 'LOGIN_ERR_NO_GATE', wire: 5105, message: 'no gate is available: try again shortly' } });
  });

  it('answers 503 LOGIN_ERR_UNAVAILABLE when the account store is gone, and warns once per interval with a count of the rest', async () => {
    const { app, store, clock, logger } = await setup();
    await store.close();
    const res = await post(app, '/login', { username: 'alice', password: PASSWORD });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toMatchObject({ code: 'LOGIN_ERR_UNAVAILABLE', wire: 5106 });
    expect(JSON.stringify(res.json())).not.toMatch(/STORE_ERR|lmdb/);
    for (let i = 0; i < 3; i++) expect((await post(app, '/register', { username: `bob${i}`, password: PASSWORD })).statusCode).toBe(503);
    const warnings = () => logger.at('warn').filter((l) => l.message === 'login: accounts cannot be reached');
    expect(warnings()).toHaveLength(1);
    expect(String((warnings()[0]!.meta.err as Error).message)).toMatch(/STORE_ERR_CLOSED|closed/);
    clock.advance(10_000);
    await post(app, '/login', { username: 'alice', password: PASSWORD });
    expect(warnings()).toHaveLength(2);
    expect(warnings()[1]!.meta.suppressed).toBe(3);
  });

  it('leaves an unexpected fault to the app error handler: a 500 that says nothing of its cause', async () => {
    const { app, logger } = await setup({
      pickGate: () => {
        throw new Error('discovery exploded');
      },
    });
    await post(app, '/register', { username: 'alice', password: PASSWORD });
    const res = await post(app, '/login', { username: 'alice', password: PASSWORD });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('exploded');
    expect(logger.at('error')).toHaveLength(1);
  });

  it('answers a store failing with STORE_ERR_BACKEND with 500 HTTP_ERR_INTERNAL and an id, logging the error under that id', async () => {
    const { app, logger } = await setup({
      wrapStore: (store) =>
        Object.assign(Object.create(store) as Store, {
          load: () => Promise.reject(new StoreError('STORE_ERR_BACKEND', 'E11000 at byte 4096 of collection tessera.accounts')),
        }),
    });
    const res = await post(app, '/login', { username: 'alice', password: PASSWORD });
    expect(res.statusCode).toBe(500);
    const { error } = res.json<{ error: { id: string } }>();
    expect(error).toEqual({ code: 'HTTP_ERR_INTERNAL', wire: 5207, message: 'internal error', id: error.id });
    expect(error.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body).not.toMatch(/STORE|E11000|4096|accounts/);
    const [line] = logger.at('error');
    expect(line).toMatchObject({ message: 'http request failed', meta: { id: error.id, method: 'POST', url: '/login' } });
    expect((line!.meta.err as StoreError).code).toBe('STORE_ERR_BACKEND');
  });
});

describe('request bodies', () => {
  const invalid: [string, string, string][] = [
    ['a missing password', JSON.stringify({ username: 'alice' }), "body must have required property 'password'"],
    ['an unknown key', JSON.stringify({ username: 'alice', password: PASSWORD, admin: true }), 'body has a key that is not allowed'],
    ['a password that is an object', JSON.stringify({ username: 'alice', password: { $gt: '' } }), 'body/password must be string'],
    ['an array', JSON.stringify([]), 'body must be object'],
    ['a text/plain body', 'username=alice', 'body must be object'],
  ];

  it.each(invalid)('answers 400 LOGIN_ERR_BAD_REQUEST naming the field and rule to %s on both routes', async (what, payload, rule) => {
    const { app } = await setup();
    for (const url of ['/register', '/login']) {
      const contentType = what === 'a text/plain body' ? 'text/plain' : 'application/json';
      const res = await app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error: { code: 'LOGIN_ERR_BAD_REQUEST', wire: 5101, message: `request is malformed: ${rule}` } });
    }
  });

  const refused: [string, { payload: string; contentType: string }, number, object][] = [
    ['broken JSON', { payload: '{"username": "alice",', contentType: 'application/json' }, 400, { code: 'HTTP_ERR_BAD_JSON', wire: 5202, message: 'body is not valid JSON' }],
    ['an empty body', { payload: '', contentType: 'application/json' }, 400, { code: 'HTTP_ERR_BAD_JSON', wire: 5202, message: 'body is not valid JSON' }],
    [
      'a body over 1 KiB',
      { payload: JSON.stringify({ username: 'alice', password: 'x'.repeat(2000) }), contentType: 'application/json' },
      413,
      { code: 'HTTP_ERR_TOO_LARGE', wire: 5204, message: 'body is larger than allowed' },
    ],
    ['an XML body', { payload: '<login/>', contentType: 'application/xml' }, 415, { code: 'HTTP_ERR_UNSUPPORTED_MEDIA_TYPE', wire: 5203, message: 'content type is not supported' }],
  ];

  it.each(refused)('answers %s on both routes with a short coded refusal, no byte offset or limit, and the detail in the debug log', async (_what, { payload, contentType }, status, error) => {
    const { app, logger } = await setup();
    for (const url of ['/register', '/login']) {
      const res = await app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType } });
      expect(res.statusCode).toBe(status);
      expect(res.json()).toEqual({ error });
    }
    const lines = logger.at('debug').filter((l) => l.message === 'http request refused');
    expect(lines.map((l) => [l.meta.url, l.meta.code])).toEqual([
      ['/register', (error as { code: string }).code],
      ['/login', (error as { code: string }).code],
    ]);
    expect(lines[0]!.meta.cause).toMatch(/^FST_ERR_CTP_/);
  });
});

describe('password hashing under a registration flood', () => {
  // Lets the event loop run until `condition` holds: LMDB answers on its own thread.
  async function until(condition: () => boolean): Promise<void> {
    for (let i = 0; i < 10_000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
    expect(condition()).toBe(true);
  }

  it('serves a login ahead of the queued registrations, and refuses registrations past their budget with 503 LOGIN_ERR_REGISTER_BUSY', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const logger = new MemoryLogger();
    const store = openStore();
    const { app } = new HttpServer({ host: '127.0.0.1', port: 0, logger });
    const accounts = new AccountStore({ store, clock });
    await accounts.create('alice', await new PasswordHasher(CHEAP).hash(PASSWORD));
    // Real scrypt, each run held until the test lets it go, and recorded by the password it hashes.
    const runs: { password: string; go: () => void }[] = [];
    const kdf: Kdf = (password, salt, length, params) =>
      new Promise<void>((go) => runs.push({ password: password.toString(), go })).then(() => scryptKdf(password, salt, length, params));
    const queue = new HashQueue({ maxConcurrent: 1, maxRegistrations: 4 });
    registerLoginRoutes(app, {
      accounts,
      hasher: new PasswordHasher({ ...CHEAP, kdf, queue }),
      limiter: new LoginRateLimiter({ clock }),
      issuer: new TokenIssuer({ key, clock }),
      publicKeys: [key.publicJwk],
      pickGate: () => GATE,
      logger,
      clock,
    });

    const flood = Array.from({ length: 10 }, (_, i) => post(app, '/register', { username: `bot${i}`, password: `flood password ${i}` }, `10.0.${i}.1`));
    const answered: number[] = [];
    for (const res of flood) void res.then((r) => answered.push(r.statusCode));
    await until(() => answered.length === 6 && queue.load.queuedRegistrations === 3);
    expect(answered).toEqual([503, 503, 503, 503, 503, 503]);
    const busy = await Promise.race(flood);
    expect(busy.headers['retry-after']).toBe('1');
    expect(busy.json().error).toMatchObject({ code: 'LOGIN_ERR_REGISTER_BUSY', wire: 5107 });

    const login = post(app, '/login', { username: 'alice', password: PASSWORD }, '192.168.1.20');
    await until(() => queue.load.queuedLogins === 1);
    runs[0]!.go();
    await until(() => runs.length === 2);
    expect(runs[1]!.password).toBe(PASSWORD);
    runs[1]!.go();
    expect((await login).statusCode).toBe(200);
    // The login was answered while three registrations still wait for their hashes.
    expect(queue.load).toEqual({ running: 1, queuedLogins: 0, queuedRegistrations: 2 });
    expect(runs).toHaveLength(3);
    for (let i = 2; i < 5; i++) {
      await until(() => runs.length > i);
      runs[i]!.go();
    }
    await Promise.all(flood);
    expect(answered.filter((status) => status === 201)).toHaveLength(4);
  });
});

describe('client addresses behind a proxy', () => {
  const PROXY = '10.9.0.1';
  const attempt = (app: FastifyInstance, peer: string, forwardedFor: string) =>
    app.inject({ method: 'POST', url: '/login', payload: { username: 'alice', password: PASSWORD }, remoteAddress: peer, headers: { 'x-forwarded-for': forwardedFor } });

  it('with http.trustProxy naming the proxy, gives each player behind it a bucket of their own and logs their address', async () => {
    const { app, logger } = await setup({ rateLimit: { perIpPerMinute: 1 }, trustProxy: [PROXY] });
    expect((await attempt(app, PROXY, '203.0.113.1')).statusCode).toBe(401);
    expect((await attempt(app, PROXY, '203.0.113.2')).statusCode).toBe(401);
    expect((await attempt(app, PROXY, '198.51.100.9, 203.0.113.1')).statusCode).toBe(429);
    expect(logger.at('info').filter((l) => l.message === 'login failed').map((l) => l.meta.ip)).toEqual(['203.0.113.1', '203.0.113.2']);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy, and from every peer when none is configured', async () => {
    for (const trustProxy of [[PROXY], undefined]) {
      const { app } = await setup({ rateLimit: { perIpPerMinute: 1 }, ...(trustProxy ? { trustProxy } : {}) });
      expect((await attempt(app, '198.51.100.7', '203.0.113.1')).statusCode).toBe(401);
      expect((await attempt(app, '198.51.100.7', '203.0.113.2')).statusCode).toBe(429);
    }
    const { app } = await setup({ rateLimit: { perIpPerMinute: 1 } });
    expect((await attempt(app, PROXY, '203.0.113.1')).statusCode).toBe(401);
    expect((await attempt(app, PROXY, '203.0.113.2')).statusCode).toBe(429);
  });
});

describe('IPv6 clients', () => {
  const inPrefix = (i: number) => `2001:db8:1:2:${i.toString(16)}:${(i * 31).toString(16)}::${(i * 7).toString(16)}`;

  it('counts attempts from many addresses of one /64 in one address bucket, logging each address itself', async () => {
    const { app, logger } = await setup({ rateLimit: { perIpPerMinute: 3 } });
    for (let i = 1; i <= 3; i++) expect((await post(app, '/login', { username: `user${i}`, password: PASSWORD }, inPrefix(i))).statusCode).toBe(401);
    for (let i = 4; i <= 50; i++) {
      const limited = await post(app, i % 2 ? '/login' : '/register', { username: `user${i}`, password: PASSWORD }, inPrefix(i));
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error.message).toBe('too many attempts; retry later: too many attempts from this address');
    }
    expect((await post(app, '/register', { username: 'alice', password: PASSWORD }, '2001:db8:1:3::1')).statusCode).toBe(201);
    expect(logger.at('info').filter((l) => l.message === 'login failed').map((l) => l.meta.ip)).toEqual([inPrefix(1), inPrefix(2), inPrefix(3)]);
  });

  it('counts attempts on one account from many addresses of one /64 in one (address, account) bucket', async () => {
    const { app } = await setup({ rateLimit: { perIpPerUserPerMinute: 3 } });
    await post(app, '/register', { username: 'alice', password: PASSWORD });
    for (let i = 1; i <= 3; i++) expect((await post(app, '/login', { username: 'alice', password: 'guess guess' }, inPrefix(i))).statusCode).toBe(401);
    for (let i = 4; i <= 50; i++) {
      const limited = await post(app, '/login', { username: 'alice', password: 'guess guess' }, inPrefix(i));
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error.message).toBe('too many attempts; retry later: too many attempts on this username from this address');
    }
    expect((await post(app, '/login', { username: 'bob', password: PASSWORD }, inPrefix(51))).statusCode).toBe(401);
    expect((await post(app, '/login', { username: 'alice', password: PASSWORD }, '2001:db8:1:3::1')).statusCode).toBe(200);
    expect((await post(app, '/login', { username: 'alice', password: PASSWORD }, '10.0.0.1')).statusCode).toBe(200);
  });

  it('counts under login.rateLimit.ipv6PrefixBits: a /48 as one address, or each address alone at 128', async () => {
    const wide = (await setup({ rateLimit: { perIpPerMinute: 1, ipv6PrefixBits: 48 } })).app;
    expect((await post(wide, '/login', { username: 'alice', password: PASSWORD }, '2001:db8:1:1::1')).statusCode).toBe(401);
    expect((await post(wide, '/login', { username: 'alice', password: PASSWORD }, '2001:db8:1:ffff::1')).statusCode).toBe(429);
    expect((await post(wide, '/login', { username: 'alice', password: PASSWORD }, '2001:db8:2::1')).statusCode).toBe(401);
    const each = (await setup({ rateLimit: { perIpPerMinute: 1, ipv6PrefixBits: 128 } })).app;
    expect((await post(each, '/login', { username: 'alice', password: PASSWORD }, '2001:db8:1:2::1')).statusCode).toBe(401);
    expect((await post(each, '/login', { username: 'alice', password: PASSWORD }, '2001:db8:1:2::2')).statusCode).toBe(401);
    expect((await post(each, '/login', { username: 'alice', password: PASSWORD }, '2001:db8:1:2::1')).statusCode).toBe(429);
  });

  it('counts forwarded IPv6 client addresses behind a trusted proxy by their /64 too', async () => {
    const { app } = await setup({ rateLimit: { perIpPerMinute: 1 }, trustProxy: ['10.9.0.1'] });
    const attempt = (forwardedFor: string) =>
      app.inject({ method: 'POST', url: '/login', payload: { username: 'alice', password: PASSWORD }, remoteAddress: '10.9.0.1', headers: { 'x-forwarded-for': forwardedFor } });
    expect((await attempt('2001:db8:1:2::1')).statusCode).toBe(401);
    expect((await attempt('2001:db8:1:2::2')).statusCode).toBe(429);
    expect((await attempt('2001:db8:1:3::1')).statusCode).toBe(401);
  });
});
