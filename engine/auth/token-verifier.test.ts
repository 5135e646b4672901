import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64url, SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { defaults } from '../config/defaults.js';
import { ManualClock } from '../timer/clock.js';
import { AuthError, type AuthErrorCode } from './errors.js';
import { SigningKey } from './signing-key.js';
import { TokenIssuer } from './token-issuer.js';
import { TokenVerifier, type TokenVerifierOptions } from './token-verifier.js';

const T0 = 1_700_000_000_000;
const key = await SigningKey.generate();
const other = await SigningKey.generate();
const dir = await mkdtemp(join(tmpdir(), 'token-verifier-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

function setup(options: Partial<TokenVerifierOptions> = {}) {
  const clock = new ManualClock(T0);
  const issuer = new TokenIssuer({ key, clock });
  const verifier = TokenVerifier.create({ clock, key: key.publicJwk, ...options });
  return { clock, issuer, verifier };
}

async function refusal(verifier: TokenVerifier, token: unknown): Promise<AuthErrorCode> {
  const err = await verifier.verify(token).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AuthError);
  return (err as AuthError).code;
}

// Hand-made tokens, for the shapes no honest issuer produces.
const part = (value: unknown) => base64url.encode(JSON.stringify(value));
const now = T0 / 1000;
const claims = { sub: 'U1', name: 'alice', iss: 'tessera', aud: 'tessera-gate', iat: now, exp: now + 300 };

function signed(payload: Record<string, unknown>, signer = key): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', kid: signer.kid }).sign(signer.privateKey);
}

describe('TokenVerifier', () => {
  it('accepts a token from the issuer and returns its uid, name and expiry', async () => {
    const { issuer, verifier } = setup();
    const { token, expiresAt } = await issuer.issue({ uid: 'U1', name: 'alice' });
    expect(await (await verifier).verify(token)).toEqual({ uid: 'U1', name: 'alice', expiresAt });
  });

  it('says admin: true only for a token whose issuer adds the claim admin: true, and a name the claims cannot replace', async () => {
    const { clock, verifier } = setup({ audience: 'tessera-admin' });
    const admin = new TokenIssuer({ key, clock, audience: 'tessera-admin', claims: { admin: true, name: 'mallory' } });
    const { token, expiresAt } = await admin.issue({ uid: 'U1', name: 'alice' });
    expect(await (await verifier).verify(token)).toEqual({ uid: 'U1', name: 'alice', expiresAt, admin: true });
    const truthy = await signed({ ...claims, aud: 'tessera-admin', admin: 'yes' });
    expect(await (await verifier).verify(truthy)).toEqual({ uid: 'U1', name: 'alice', expiresAt: (now + 300) * 1000 });
  });

  it('accepts a token verified with the SPKI PEM public key', async () => {
    const { issuer, verifier } = setup({ key: await key.exportPublicPem() });
    expect((await (await verifier).verify((await issuer.issue({ uid: 'U1', name: 'alice' })).token)).uid).toBe('U1');
  });

  it('refuses an expired token with AUTH_ERR_TOKEN_EXPIRED, forgiving the clock tolerance', async () => {
    const { clock, issuer, verifier } = setup();
    const { token } = await issuer.issue({ uid: 'U1', name: 'alice' });
    clock.advance(300_000 + 10_000);
    expect((await (await verifier).verify(token)).uid).toBe('U1');
    clock.advance(21_000);
    expect(await refusal(await verifier, token)).toBe('AUTH_ERR_TOKEN_EXPIRED');
  });

  it('refuses a token signed by another key with AUTH_ERR_TOKEN_INVALID', async () => {
    const { verifier } = setup();
    expect(await refusal(await verifier, await signed(claims, other))).toBe('AUTH_ERR_TOKEN_INVALID');
  });

  it('refuses a token whose payload was changed after signing with AUTH_ERR_TOKEN_INVALID', async () => {
    const { verifier } = setup();
    const [header, , signature] = (await signed(claims)).split('.');
    expect(await refusal(await verifier, `${header}.${part({ ...claims, sub: 'U2' })}.${signature}`)).toBe('AUTH_ERR_TOKEN_INVALID');
  });

  it('refuses an unsigned alg "none" token, with or without a signature part, with AUTH_ERR_TOKEN_INVALID', async () => {
    const { verifier } = setup();
    const unsigned = `${part({ alg: 'none' })}.${part(claims)}.`;
    expect(await refusal(await verifier, unsigned)).toBe('AUTH_ERR_TOKEN_INVALID');
    expect(await refusal(await verifier, `${unsigned}AAAA`)).toBe('AUTH_ERR_TOKEN_INVALID');
  });

  it('refuses HS256 tokens keyed with the public key (algorithm confusion) with AUTH_ERR_TOKEN_INVALID', async () => {
    const { verifier } = setup();
    const secrets = [new TextEncoder().encode(await key.exportPublicPem()), base64url.decode(key.publicJwk.x!)];
    for (const secret of secrets) {
      const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(secret);
      expect(await refusal(await verifier, token)).toBe('AUTH_ERR_TOKEN_INVALID');
    }
  });

  it('refuses a wrong issuer, a wrong audience, a missing sub or name, and a future nbf with AUTH_ERR_TOKEN_CLAIMS', async () => {
    const { verifier } = setup();
    const { sub: _sub, ...noSub } = claims;
    const { name: _name, ...noName } = claims;
    const tokens = await Promise.all([
      signed({ ...claims, iss: 'someone-else' }),
      signed({ ...claims, aud: 'lobby' }),
      signed(noSub),
      signed(noName),
      signed({ ...claims, sub: 42 }),
      signed({ ...claims, nbf: now + 3600 }),
    ]);
    for (const token of tokens) expect(await refusal(await verifier, token)).toBe('AUTH_ERR_TOKEN_CLAIMS');
  });

  it('refuses a token without exp with AUTH_ERR_TOKEN_CLAIMS, so that none lives forever', async () => {
    const { verifier } = setup();
    const { exp: _exp, ...noExp } = claims;
    expect(await refusal(await verifier, await signed(noExp))).toBe('AUTH_ERR_TOKEN_CLAIMS');
  });

  it('refuses a token longer than maxTokenBytes with AUTH_ERR_TOKEN_TOO_LARGE before parsing it', async () => {
    const { verifier } = setup({ maxTokenBytes: 1024 });
    const big = await signed({ ...claims, pad: 'x'.repeat(2000) });
    expect(await refusal(await verifier, big)).toBe('AUTH_ERR_TOKEN_TOO_LARGE');
    expect(await refusal(await verifier, 'a'.repeat(1025))).toBe('AUTH_ERR_TOKEN_TOO_LARGE');
  });

  it('refuses garbage and non-strings with AUTH_ERR_TOKEN_INVALID', async () => {
    const { verifier } = setup();
    for (const garbage of ['', 'hello', 'a.b', 'a.b.c', '😀.😀.😀', `${part({ alg: 'EdDSA' })}.bm90IGpzb24.AAAA`, 42, null, {}]) {
      expect(await refusal(await verifier, garbage)).toBe('AUTH_ERR_TOKEN_INVALID');
    }
  });

  it('refuses to start with no key, with both a key and a URL, or with a private key, with AUTH_ERR_KEY', async () => {
    const clock = new ManualClock();
    const code = (p: Promise<unknown>) => p.then(() => undefined, (e: AuthError) => e.code);
    expect(await code(TokenVerifier.create({ clock }))).toBe('AUTH_ERR_KEY');
    expect(await code(TokenVerifier.create({ clock, key: key.publicJwk, jwksUrl: 'http://127.0.0.1/jwks' }))).toBe('AUTH_ERR_KEY');
    expect(await code(TokenVerifier.create({ clock, key: { ...key.publicJwk, d: key.publicJwk.x } }))).toBe('AUTH_ERR_KEY');
    expect(await code(TokenVerifier.create({ clock, key: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' } }))).toBe('AUTH_ERR_KEY');
    expect(await code(TokenVerifier.create({ clock, key: 'not a pem' }))).toBe('AUTH_ERR_KEY');
  });

  it('builds from the auth config: a public key file, or refuses with AUTH_ERR_KEY when no or two key sources are set', async () => {
    const clock = new ManualClock(T0);
    const path = join(dir, 'login.pub');
    await writeFile(path, await key.exportPublicPem());
    const verifier = await TokenVerifier.fromConfig({ ...defaults.auth, publicKeyPath: path }, { clock });
    const { token } = await new TokenIssuer({ key, clock }).issue({ uid: 'U1', name: 'alice' });
    expect((await verifier.verify(token)).name).toBe('alice');
    const code = (p: Promise<unknown>) => p.then(() => undefined, (e: AuthError) => e.code);
    expect(await code(TokenVerifier.fromConfig(defaults.auth, { clock }))).toBe('AUTH_ERR_KEY');
    expect(await code(TokenVerifier.fromConfig({ ...defaults.auth, publicKeyPath: path, jwksUrl: 'http://h/jwks' }, { clock }))).toBe('AUTH_ERR_KEY');
    expect(await code(TokenVerifier.fromConfig({ ...defaults.auth, publicKeyPath: join(dir, 'missing.pub') }, { clock }))).toBe('AUTH_ERR_KEY');
  });

  it('checks the configured issuer and audience from the auth config', async () => {
    const clock = new ManualClock(T0);
    const verifier = await TokenVerifier.fromConfig({ ...defaults.auth, issuer: 'studio' }, { clock, key: key.publicJwk });
    expect(await refusal(verifier, await signed(claims))).toBe('AUTH_ERR_TOKEN_CLAIMS');
    expect((await verifier.verify(await signed({ ...claims, iss: 'studio' }))).uid).toBe('U1');
  });
});
