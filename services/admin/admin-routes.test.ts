import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SigningKey } from '../../engine/auth/signing-key.js';
import { TokenIssuer } from '../../engine/auth/token-issuer.js';
import { ADMIN_AUDIENCE } from '../login/admin-login.js';
import { API_KEY, PASSWORD, startAdminHarness } from './fixtures/admin-harness.js';

type Harness = Awaited<ReturnType<typeof startAdminHarness>>;
let h: Harness;
let adminToken: string;
let rootUid: string;

beforeAll(async () => {
  h = await startAdminHarness();
  const res = await h.app.inject({ method: 'POST', url: '/admin/login', payload: { username: 'root', password: PASSWORD } });
  expect(res.statusCode).toBe(200);
  ({ token: adminToken } = res.json() as { token: string });
  rootUid = (res.json() as { account: { uid: string } }).account.uid;
});
afterAll(() => h.close());

const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });
const get = (url: string, credential = API_KEY) => h.app.inject({ method: 'GET', url, headers: bearer(credential) });
const post = (url: string, payload?: unknown, credential = API_KEY) => h.app.inject({ method: 'POST', url, headers: bearer(credential), ...(payload === undefined ? {} : { payload: payload as object }) });
const errorOf = (res: { json(): unknown }) => (res.json() as { error: { code: string; message: string } }).error;

describe('admin login', () => {
  it('gives an administrator an admin token that names the account and expires after admin.tokenTtlSec', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/admin/login', payload: { username: 'root', password: PASSWORD } });
    const body = res.json() as { token: string; expiresAt: number; account: { uid: string; username: string } };
    expect(body.account).toEqual({ uid: rootUid, username: 'root' });
    expect(body.expiresAt).toBe(Math.floor(h.clock.now() / 1000) * 1000 + 600_000);
  });

  it('refuses an account not in admin.accounts with ADMIN_ERR_FORBIDDEN, and a wrong password with LOGIN_ERR_BAD_CREDENTIALS', async () => {
    const player = await h.app.inject({ method: 'POST', url: '/admin/login', payload: { username: 'player', password: PASSWORD } });
    expect([player.statusCode, errorOf(player).code]).toEqual([403, 'ADMIN_ERR_FORBIDDEN']);
    const wrong = await h.app.inject({ method: 'POST', url: '/admin/login', payload: { username: 'root', password: 'not-the-password' } });
    expect([wrong.statusCode, errorOf(wrong).code]).toEqual([401, 'LOGIN_ERR_BAD_CREDENTIALS']);
  });
});

describe('admin authentication', () => {
  it('accepts an API key and an admin token, and logs each call with who made it', async () => {
    h.logger.lines.length = 0;
    expect((await get('/admin/servers')).statusCode).toBe(200);
    expect((await get('/admin/servers', adminToken)).statusCode).toBe(200);
    const calls = h.logger.at('info').filter((l) => l.message === 'admin call').map((l) => l.meta);
    expect(calls).toEqual([
      expect.objectContaining({ who: 'key:ops', method: 'GET', path: '/admin/servers', status: 200 }),
      expect.objectContaining({ who: `account:${rootUid}`, method: 'GET', path: '/admin/servers', status: 200 }),
    ]);
  });

  it('answers ADMIN_ERR_UNAUTHENTICATED without a credential, for an unknown key, a forged token and an expired one', async () => {
    const forged = await new TokenIssuer({ key: await SigningKey.generate(), clock: h.clock, audience: ADMIN_AUDIENCE, claims: { admin: true } }).issue({ uid: rootUid, name: 'root' });
    const expiring = await new TokenIssuer({ key: h.login.signingKey, clock: h.clock, audience: ADMIN_AUDIENCE, claims: { admin: true }, ttlSec: 60 }).issue({ uid: rootUid, name: 'root' });
    h.clock.advance(60_000 + 31_000);
    for (const headers of [{}, { authorization: 'Basic abc' }, bearer('x'.repeat(40)), bearer(forged.token), bearer(expiring.token)]) {
      const res = await h.app.inject({ method: 'GET', url: '/admin/servers', headers });
      expect([res.statusCode, errorOf(res).code]).toEqual([401, 'ADMIN_ERR_UNAUTHENTICATED']);
    }
    expect(h.logger.at('info').filter((l) => l.message === 'admin call').at(-1)?.meta).toEqual(expect.objectContaining({ who: 'anonymous', status: 401 }));
  });

  it("answers ADMIN_ERR_FORBIDDEN for a player's gate token and for an admin-audience token without the admin claim", async () => {
    const gateToken = await new TokenIssuer({ key: h.login.signingKey, clock: h.clock }).issue({ uid: rootUid, name: 'root' });
    const noClaim = await new TokenIssuer({ key: h.login.signingKey, clock: h.clock, audience: ADMIN_AUDIENCE }).issue({ uid: rootUid, name: 'root' });
    for (const token of [gateToken.token, noClaim.token]) {
      const res = await get('/admin/servers', token);
      expect([res.statusCode, errorOf(res).code]).toEqual([403, 'ADMIN_ERR_FORBIDDEN']);
    }
  });

  it('serves the OpenAPI document without a credential, listing every route with its schemas', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/admin/openapi.json' });
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/admin/entities/{type}/{id}',
      '/admin/gates/{id}/reload-rules',
      '/admin/login',
      '/admin/messages',
      '/admin/reload',
      '/admin/servers',
      '/admin/servers/{id}/drain',
      '/admin/servers/{id}/reload',
      '/admin/sessions',
      '/admin/sessions/{account}/kick',
      '/admin/stats',
    ]);
    expect(doc.paths['/admin/messages']!.post!.requestBody).toBeDefined();
    expect(Object.keys(doc.paths['/admin/stats']!.get!.responses)).toContain('200');
  });
});

describe('admin routes', () => {
  it('lists the servers with their load and whether they were asked to drain', async () => {
    const { servers } = (await get('/admin/servers')).json() as { servers: { id: string; draining: boolean; load: { entities: number } }[] };
    expect(servers.map((s) => [s.id, s.draining, s.load.entities])).toEqual([['gate-1', false, 2], ['lobby-1', false, 2], ['lobby-2', false, 2]]);
  });

  it('lists the RPC contract and client protocol versions each server states, none for one that states none', async () => {
    const { servers } = (await get('/admin/servers')).json() as { servers: { id: string; speaks: Record<string, string> }[] };
    expect(servers.map((s) => [s.id, s.speaks])).toEqual([['gate-1', { rpc: '1-2', protocol: '1-1' }], ['lobby-1', { rpc: '1-2', protocol: '1-1' }], ['lobby-2', {}]]);
  });

  it("gathers each server's live figures, ok: false for one that does not answer", async () => {
    const { at, servers } = (await get('/admin/stats')).json() as { at: number; servers: { id: string; ok: boolean; tickMs?: { max: number }; sessions?: number }[] };
    expect(at).toBe(h.clock.now());
    expect(servers.map((s) => [s.id, s.ok, s.sessions, s.tickMs?.max])).toEqual([['gate-1', true, 1, undefined], ['lobby-1', true, 1, 3], ['lobby-2', false, undefined, undefined]]);
  });

  it('finds a session by account and by username, with its gate, lobby and space', async () => {
    expect((await get('/admin/sessions?account=u-1')).json()).toEqual({ account: 'u-1', online: true, gate: 'gate-1', session: 's-1', lobby: 'lobby-1', avatar: 'e-1', space: 'sp-1' });
    expect((await get('/admin/sessions?username=root')).json()).toEqual({ account: rootUid, username: 'root', online: false });
    const unknown = await get('/admin/sessions?username=nobody');
    expect([unknown.statusCode, errorOf(unknown).code]).toEqual([404, 'ADMIN_ERR_NOT_FOUND']);
  });

  it("kicks an account through its gate's kick with the reason, and says false for one not logged in", async () => {
    expect((await post('/admin/sessions/u-1/kick', { reason: 'cheating' })).json()).toEqual({ kicked: true });
    expect(h.kicks).toEqual([['s-1', 'cheating']]);
    expect((await post('/admin/sessions/u-9/kick', { reason: 'cheating' })).json()).toEqual({ kicked: false });
  });

  it('pushes a system message on sys.message to an account, and to everyone through each gate', async () => {
    expect((await post('/admin/messages', { to: { account: 'u-1' }, text: 'restart at noon' })).json()).toEqual({ delivered: 1, offline: 0 });
    expect(h.notified.sent.map((s) => [s.gateId, s.method, s.args[1]])).toEqual([['gate-1', 'push', 'sys.message']]);
    expect((await post('/admin/messages', { to: { account: 'u-9' }, text: 'hi' })).json()).toEqual({ delivered: 0, offline: 1 });
    expect((await post('/admin/messages', { to: { everyone: true }, text: 'hi' })).json()).toEqual({ delivered: 1, offline: 0 });
    expect((await post('/admin/messages', { to: { group: 'guild:red' }, text: 'raid at nine' })).json()).toEqual({ delivered: 1, offline: 1 });
    expect(h.notified.sent.at(-1)).toEqual(expect.objectContaining({ gateId: 'gate-1', method: 'push', args: [['s-1'], 'sys.message', expect.any(Uint8Array)] }));
  });

  it('drains a server, which /admin/servers then shows, and refuses an unknown one with ADMIN_ERR_NOT_FOUND', async () => {
    expect((await post('/admin/servers/lobby-1/drain')).json()).toEqual({ draining: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.drains).toEqual(['lobby-1']);
    const { servers } = (await get('/admin/servers')).json() as { servers: { id: string; draining: boolean }[] };
    expect(servers.find((s) => s.id === 'lobby-1')?.draining).toBe(true);
    const unknown = await post('/admin/servers/nowhere/drain');
    expect([unknown.statusCode, errorOf(unknown).code]).toEqual([404, 'ADMIN_ERR_NOT_FOUND']);
  });

  it('answers ADMIN_ERR_UNREACHABLE when the server does not answer', async () => {
    const res = await post('/admin/servers/lobby-2/drain');
    expect([res.statusCode, errorOf(res).code]).toEqual([503, 'ADMIN_ERR_UNREACHABLE']);
  });

  it("reloads a gate's rules from its files or from the body, refuses bad rules with ADMIN_ERR_BAD_RULES and a lobby with ADMIN_ERR_NOT_FOUND", async () => {
    expect((await post('/admin/gates/gate-1/reload-rules')).json()).toEqual({ rules: { '*': 'auth' } });
    expect((await post('/admin/gates/gate-1/reload-rules', { rules: { 'chat.*': 'block' } })).json()).toEqual({ rules: { 'chat.*': 'block' } });
    const bad = await post('/admin/gates/gate-1/reload-rules', { rules: { '': 'block' } });
    expect([bad.statusCode, errorOf(bad)]).toEqual([400, { code: 'ADMIN_ERR_BAD_RULES', wire: 5406, message: 'route rules are invalid: route rules: empty pattern' }]);
    const lobby = await post('/admin/gates/lobby-1/reload-rules', {});
    expect([lobby.statusCode, errorOf(lobby).code]).toEqual([404, 'ADMIN_ERR_NOT_FOUND']);
  });

  it("reloads a lobby's game code and answers its report; a gate with ADMIN_ERR_NOT_FOUND, an unknown server too", async () => {
    expect((await post('/admin/servers/lobby-1/reload')).json()).toEqual({ ok: true, generation: expect.any(Number), changed: ['component Health'], refused: [], swapMs: 1 });
    const gate = await post('/admin/servers/gate-1/reload');
    expect([gate.statusCode, errorOf(gate)]).toEqual([404, { code: 'ADMIN_ERR_NOT_FOUND', wire: 5404, message: 'no such thing: this server has no lobby' }]);
    const unknown = await post('/admin/servers/nowhere/reload');
    expect([unknown.statusCode, errorOf(unknown).code]).toEqual([404, 'ADMIN_ERR_NOT_FOUND']);
  });

  it("reloads every lobby at once, each with its report or its error, ok only when every lobby took the new code", async () => {
    const res = (await post('/admin/reload')).json() as { ok: boolean; lobbies: { id: string; report?: { ok: boolean }; error?: { code: string } }[] };
    expect(res.ok).toBe(false);
    expect(res.lobbies.map((l) => [l.id, l.report?.ok, l.error?.code])).toEqual([['lobby-1', true, undefined], ['lobby-2', undefined, 'ADMIN_ERR_UNREACHABLE']]);
  });

  it("reads an entity's persisted document and its live state", async () => {
    await h.store.save('Avatar', { id: 'e-1', data: { type: 'Avatar', components: { Health: { hp: 10 } } }, expectedVersion: 0 });
    expect((await get('/admin/entities/Avatar/e-1')).json()).toEqual({ persisted: { type: 'Avatar', components: { Health: { hp: 10 } } }, live: { server: 'lobby-1', state: { Health: { hp: 9 } } } });
    expect((await get('/admin/entities/Avatar/e-2')).json()).toEqual({ persisted: null, live: null });
  });
});

describe('admin request schemas', () => {
  const cases: [string, () => Promise<{ statusCode: number; json(): unknown }>, RegExp][] = [
    ['login without a password', () => h.app.inject({ method: 'POST', url: '/admin/login', payload: { username: 'root' } }), /body must have required property 'password'/],
    ['login with an unknown key', () => h.app.inject({ method: 'POST', url: '/admin/login', payload: { username: 'root', password: PASSWORD, admin: true } }), /body has a key that is not allowed/],
    ['sessions with no query', () => get('/admin/sessions'), /querystring must NOT have fewer than 1 properties/],
    ['sessions with both keys', () => get('/admin/sessions?account=a&username=b'), /querystring must NOT have more than 1 properties/],
    ['kick without a reason', () => post('/admin/sessions/u-1/kick', {}), /body must have required property 'reason'/],
    ['kick with a reason too long', () => post('/admin/sessions/u-1/kick', { reason: 'x'.repeat(257) }), /body\/reason must NOT have more than 256 characters/],
    ['a message to two targets', () => post('/admin/messages', { to: { account: 'u-1', group: 'g' }, text: 'hi' }), /body\/to must NOT have more than 1 properties/],
    ['a message to everyone: false', () => post('/admin/messages', { to: { everyone: false }, text: 'hi' }), /body\/to\/everyone must be equal to constant/],
    ['a message to a group whose name has a space', () => post('/admin/messages', { to: { group: 'red guild' }, text: 'hi' }), /body\/to\/group must match pattern/],
    ['a message without text', () => post('/admin/messages', { to: { everyone: true } }), /body must have required property 'text'/],
    ['rules with an unknown action', () => post('/admin/gates/gate-1/reload-rules', { rules: { 'a.b': 'allow' } }), /body\/rules\/a\.b must be equal to one of the allowed values/],
  ];
  for (const [what, send, message] of cases) {
    it(`refuses ${what} with ADMIN_ERR_BAD_REQUEST naming the field and rule`, async () => {
      const res = await send();
      expect(res.statusCode).toBe(400);
      expect(errorOf(res).code).toBe('ADMIN_ERR_BAD_REQUEST');
      expect(errorOf(res).message).toMatch(message);
    });
  }
});
