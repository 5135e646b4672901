import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthError } from '../../engine/auth/errors.js';
import { SigningKey } from '../../engine/auth/signing-key.js';
import { defaults } from '../../engine/config/defaults.js';
import { openLmdbStore } from '../../engine/persist/lmdb-store.js';
import { MemoryLogger } from '../../engine/testing/memory-logger.js';
import { ManualClock } from '../../engine/timer/clock.js';
import { LoginService, type LoginServiceOptions } from './login-service.js';

const dir = await mkdtemp(join(tmpdir(), 'login-service-'));
const store = openLmdbStore({ path: join(dir, 'store') });
afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

function service(overrides: Partial<Omit<LoginServiceOptions, 'login'>> & { login?: Partial<LoginServiceOptions['login']> } = {}) {
  const logger = new MemoryLogger();
  const app = Fastify({ logger: false });
  const login = { ...defaults.login, scrypt: { N: 2 ** 10, r: 1, p: 1 }, ...overrides.login };
  const options = { app, store, clock: new ManualClock(), logger, pickGate: () => undefined, auth: defaults.auth, ...overrides, login };
  return { login: new LoginService(options), app, logger };
}

describe('LoginService', () => {
  it('generates a signing key when none is configured, warns, and serves its public half', async () => {
    const { login, app, logger } = service();
    expect(() => login.signingKey).toThrow(/not started/);
    await login.start();
    expect(logger.at('warn').map((l) => l.message)).toEqual(['login.privateKeyPath is not set: generated a signing key for this process only']);
    const res = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(res.json()).toEqual({ keys: [login.publicJwk] });
    expect(login.publicJwk.kid).toBe(login.signingKey.kid);
  });

  it('loads the signing key from the configured PEM files', async () => {
    const key = await SigningKey.generate();
    const privateKeyPath = join(dir, 'login.key');
    const publicKeyPath = join(dir, 'login.pub');
    await writeFile(privateKeyPath, await key.exportPrivatePem());
    await writeFile(publicKeyPath, await key.exportPublicPem());
    const { login, logger } = service({ login: { privateKeyPath, publicKeyPath } });
    await login.start();
    expect(login.signingKey.kid).toBe(key.kid);
    expect(logger.at('warn')).toEqual([]);
  });

  it('refuses to start with AUTH_ERR_KEY when only the public key file is set or the files are unusable', async () => {
    const publicKeyPath = join(dir, 'only.pub');
    await writeFile(publicKeyPath, await (await SigningKey.generate()).exportPublicPem());
    for (const login of [{ publicKeyPath }, { privateKeyPath: publicKeyPath }, { privateKeyPath: join(dir, 'missing.key') }]) {
      const err = await service({ login }).login.start().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuthError);
      expect((err as AuthError).code).toBe('AUTH_ERR_KEY');
    }
  });

  it('answers the preflight of /login for the origins in login.cors.origins only, and lets them read a refusal', async () => {
    const page = 'http://localhost:5173';
    const { login, app } = service({ signingKey: await SigningKey.generate(), login: { cors: { origins: [page] } } });
    await login.start();
    const preflight = (origin: string) => app.inject({ method: 'OPTIONS', url: '/login', headers: { origin, 'access-control-request-method': 'POST' } });
    const allowed = await preflight(page);
    expect([allowed.statusCode, allowed.headers['access-control-allow-origin']]).toEqual([204, page]);
    expect((await preflight('http://localhost:8000')).headers['access-control-allow-origin']).toBeUndefined();
    const refused = await app.inject({ method: 'POST', url: '/login', headers: { origin: page }, payload: { username: 'nobody', password: 'wrong-password' } });
    expect([refused.statusCode, refused.headers['access-control-allow-origin']]).toEqual([401, page]);
  });

  it('refuses to start twice', async () => {
    const { login } = service({ signingKey: await SigningKey.generate() });
    await login.start();
    await expect(login.start()).rejects.toThrow(/already started/);
    await login.stop();
  });

  it('refuses scrypt, hashing or rate-limit settings out of range when built', () => {
    expect(() => service({ login: { scrypt: { N: 1000, r: 8, p: 1 } } })).toThrow(RangeError);
    expect(() => service({ login: { hashing: { ...defaults.login.hashing, maxRegistrations: 0 } } })).toThrow(/HashQueue/);
    expect(() => service({ login: { rateLimit: { ...defaults.login.rateLimit, slowdownAfterFailures: 0 } } })).toThrow(/LoginRateLimiter/);
  });
});
