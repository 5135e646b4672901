import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../engine/auth/token-verifier.js';
import { defaults } from '../../engine/config/defaults.js';
import { Lifecycle } from '../../engine/lifecycle/lifecycle.js';
import { openLmdbStore } from '../../engine/persist/lmdb-store.js';
import { MemoryLogger } from '../../engine/testing/memory-logger.js';
import { ManualClock } from '../../engine/timer/clock.js';
import { HttpServer } from '../http/http-server.js';
import { LoginService } from './login-service.js';

const dir = await mkdtemp(join(tmpdir(), 'login-service-it-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('LoginService over HTTP', () => {
  it('registers and logs in over a real socket, and a gate verifies the token through the JWKS URL', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const logger = new MemoryLogger();
    const store = openLmdbStore({ path: join(dir, 'store') });
    const http = new HttpServer({ host: '127.0.0.1', port: 0, logger });
    const gate = { id: 'gate-1', kcp: '127.0.0.1:4002', publicKey: 'A'.repeat(43) + '=' };
    const login = new LoginService({
      app: http.app,
      store,
      clock,
      logger,
      pickGate: () => gate,
      login: { ...defaults.login, scrypt: { N: 2 ** 10, r: 1, p: 1 } },
      auth: defaults.auth,
    });
    const lifecycle = new Lifecycle({ logger, clock });
    lifecycle.add(login);
    lifecycle.add(http);
    await lifecycle.start();
    try {
      const post = (path: string, body: unknown) =>
        fetch(`${http.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const credentials = { username: 'alice', password: 'correct horse battery' };
      expect((await post('/register', credentials)).status).toBe(201);
      const res = await post('/login', credentials);
      expect(res.status).toBe(200);
      const { token, uid } = (await res.json()) as { token: string; uid: string };
      const verifier = await TokenVerifier.create({ clock, jwksUrl: `${http.url}/.well-known/jwks.json` });
      expect(await verifier.verify(token)).toMatchObject({ uid, name: 'alice' });
    } finally {
      await lifecycle.stop();
      await store.close();
    }
  });
});
