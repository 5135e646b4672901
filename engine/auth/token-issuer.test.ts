import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../timer/clock.js';
import { SigningKey } from './signing-key.js';
import { TokenIssuer } from './token-issuer.js';

const key = await SigningKey.generate();

describe('TokenIssuer', () => {
  it('signs EdDSA tokens naming the account, issuer, audience and a five-minute life from the clock', async () => {
    const clock = new ManualClock(1_700_000_000_500);
    const issued = await new TokenIssuer({ key, clock }).issue({ uid: 'U1', name: 'alice' });
    expect(decodeProtectedHeader(issued.token)).toEqual({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' });
    expect(decodeJwt(issued.token)).toEqual({
      sub: 'U1',
      name: 'alice',
      iss: 'tessera',
      aud: 'tessera-gate',
      iat: 1_700_000_000,
      exp: 1_700_000_300,
      jti: issued.jti,
    });
    expect(issued.expiresAt).toBe(1_700_000_300_000);
  });

  it('uses the configured issuer, audience and lifetime', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const issuer = new TokenIssuer({ key, clock, issuer: 'studio', audience: 'gates', ttlSec: 60 });
    const claims = decodeJwt((await issuer.issue({ uid: 'U1', name: 'alice' })).token);
    expect(claims).toMatchObject({ iss: 'studio', aud: 'gates', exp: 1_700_000_060 });
  });

  it('gives every token a different random jti', async () => {
    const issuer = new TokenIssuer({ key, clock: new ManualClock() });
    const ids = await Promise.all([1, 2, 3].map(() => issuer.issue({ uid: 'U1', name: 'alice' }).then((t) => t.jti)));
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('refuses a lifetime that is not a positive integer, and an empty subject', async () => {
    expect(() => new TokenIssuer({ key, clock: new ManualClock(), ttlSec: 0 })).toThrow(RangeError);
    expect(() => new TokenIssuer({ key, clock: new ManualClock(), ttlSec: 1.5 })).toThrow(RangeError);
    await expect(new TokenIssuer({ key, clock: new ManualClock() }).issue({ uid: '', name: 'a' })).rejects.toThrow(RangeError);
  });
});
