import Fastify, { type FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../timer/clock.js';
import { AuthError, type AuthErrorCode } from './errors.js';
import { SigningKey } from './signing-key.js';
import { TokenIssuer } from './token-issuer.js';
import { TokenVerifier } from './token-verifier.js';

const key = await SigningKey.generate();
const stranger = await SigningKey.generate();
const clock = new ManualClock(1_700_000_000_000);
let server: FastifyInstance;
let base: string;
let jwksRequests = 0;

beforeAll(async () => {
  server = Fastify({ logger: false });
  server.get('/.well-known/jwks.json', async () => {
    jwksRequests++;
    return { keys: [key.publicJwk] };
  });
  server.get('/broken', async (_req, reply) => reply.code(500).send({ error: 'down' }));
  server.get('/not-a-jwks', async () => ({ hello: 'world' }));
  base = await server.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => server.close());

async function refusal(verifier: TokenVerifier, token: string): Promise<AuthErrorCode> {
  const err = await verifier.verify(token).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AuthError);
  return (err as AuthError).code;
}

describe('TokenVerifier with a JWKS URL', () => {
  it('fetches the JWKS document over HTTP once and verifies tokens with it', async () => {
    const verifier = await TokenVerifier.create({ clock, jwksUrl: `${base}/.well-known/jwks.json` });
    const issuer = new TokenIssuer({ key, clock });
    const before = jwksRequests;
    for (const uid of ['U1', 'U2']) {
      expect((await verifier.verify((await issuer.issue({ uid, name: 'alice' })).token)).uid).toBe(uid);
    }
    expect(jwksRequests - before).toBe(1);
  });

  it('refuses a token signed by a key the document does not hold, even under its kid, with AUTH_ERR_TOKEN_INVALID', async () => {
    const verifier = await TokenVerifier.create({ clock, jwksUrl: `${base}/.well-known/jwks.json` });
    const { token } = await new TokenIssuer({ key: stranger, clock }).issue({ uid: 'U1', name: 'alice' });
    expect(await refusal(verifier, token)).toBe('AUTH_ERR_TOKEN_INVALID');
    const now = clock.now() / 1000;
    const claimsKid = await new SignJWT({ sub: 'U1', name: 'alice', iss: 'tessera', aud: 'tessera-gate', exp: now + 60 })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
      .sign(stranger.privateKey);
    expect(await refusal(verifier, claimsKid)).toBe('AUTH_ERR_TOKEN_INVALID');
  });

  it('reports a JWKS endpoint that fails, answers nonsense or does not listen as AUTH_ERR_KEYS_UNAVAILABLE', async () => {
    const { token } = await new TokenIssuer({ key, clock }).issue({ uid: 'U1', name: 'alice' });
    const closed = Fastify({ logger: false });
    const closedUrl = await closed.listen({ host: '127.0.0.1', port: 0 });
    await closed.close();
    for (const url of [`${base}/broken`, `${base}/not-a-jwks`, `${closedUrl}/jwks.json`]) {
      const verifier = await TokenVerifier.create({ clock, jwksUrl: url, jwks: { timeoutMs: 2_000 } });
      expect(await refusal(verifier, token)).toBe('AUTH_ERR_KEYS_UNAVAILABLE');
    }
  });

  it('refuses a JWKS URL that is not http(s) with AUTH_ERR_KEY', async () => {
    for (const jwksUrl of ['not a url', 'file:///etc/jwks.json']) {
      const err = await TokenVerifier.create({ clock, jwksUrl }).catch((e: unknown) => e);
      expect((err as AuthError).code).toBe('AUTH_ERR_KEY');
    }
  });
});
