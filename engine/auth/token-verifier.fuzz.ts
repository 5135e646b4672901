/**
 * Fuzz target: the gate's login-token check, with a configured public key and with a JWKS document
 * served over HTTP by a real server on loopback. Tokens are built part by part: headers with every
 * algorithm (`none`, HS256 keyed with the public key's bytes, RS256, ES256, EdDSA), `kid` values
 * that are paths, URLs or not strings, `jku`/`x5u`/`jwk`/`crit` headers, claims of every type,
 * signatures genuine, forged, empty or borrowed; then some are cut, altered or padded to megabytes,
 * and now and then the "token" is not a string at all.
 *
 * What must hold: `verify` answers a token or an AuthError with a refusal code (never another
 * error, never AUTH_ERR_KEYS_UNAVAILABLE while the document is served); it accepts only a token
 * whose header says EdDSA and whose signature is the issuer key's, with a non-empty string `sub`
 * and `name`; it fetches nothing a token names (`jku`, `x5u`).
 */
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { base64url } from 'jose';
import { defineFuzzTarget } from '../testing/fuzz/fuzz-target.js';
import { ManualClock } from '../timer/clock.js';
import { AuthError } from './errors.js';
import { SigningKey } from './signing-key.js';
import { TokenVerifier } from './token-verifier.js';

const NOW_SEC = 1_700_000_000;

/** How the signature part is made. */
type Signing = 'genuine' | 'stranger' | 'hmac-public' | 'empty' | 'random' | 'none';

/** One token to verify, built part by part, and the verifier to hand it to. */
export interface TokenInput {
  jwks: boolean;
  header: Record<string, unknown> | string;
  payload: Record<string, unknown> | string;
  signing: Signing;
  randomSignature: Uint8Array;
  /** What is done to the finished token. */
  damage: { kind: 'none' } | { kind: 'cut'; at: number } | { kind: 'flip'; at: number; char: string } | { kind: 'pad'; bytes: number } | { kind: 'not-a-string'; value: unknown };
}

interface World {
  issuerKey: KeyObject;
  strangerKey: KeyObject;
  publicX: Uint8Array;
  kid: string;
  byKey: TokenVerifier;
  byJwks: TokenVerifier;
  /** Requests the JWKS server got for paths other than the document's: a token made it fetch them. */
  strayRequests: string[];
}

let world: Promise<World> | undefined;

// One key pair, one verifier of each kind and one JWKS server per process, made at first use.
// The key is generated as PEM and imported, never exported as JWK fresh (which can hang Node 20).
async function setUp(): Promise<World> {
  const pair = generateKeyPairSync('ed25519');
  const stranger = generateKeyPairSync('ed25519');
  const issuer = await SigningKey.fromPem(pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  const strayRequests: string[] = [];
  const server: Server = createServer((request, response) => {
    if (request.url !== '/jwks.json') {
      strayRequests.push(request.url ?? '');
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [issuer.publicJwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const { port } = server.address() as AddressInfo;
  const clock = new ManualClock(NOW_SEC * 1000);
  return {
    issuerKey: pair.privateKey,
    strangerKey: stranger.privateKey,
    publicX: base64url.decode(issuer.publicJwk.x!),
    kid: issuer.kid,
    byKey: await TokenVerifier.create({ clock, key: issuer.publicJwk }),
    byJwks: await TokenVerifier.create({ clock, jwksUrl: `http://127.0.0.1:${port}/jwks.json` }),
    strayRequests,
  };
}

const odd = fc.oneof(fc.constantFrom(null, true, 0, -1, 1e308, '', [], {}, 'EdDSA'), fc.string({ maxLength: 10 }), fc.integer(), fc.double());

// Usually there, now and then left out (JSON drops undefined).
const usually = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 8 });
// Usually left out, now and then there.
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

const header = fc.record({
  alg: fc.oneof({ weight: 12, arbitrary: fc.constant('EdDSA') }, { weight: 4, arbitrary: fc.constantFrom('none', 'HS256', 'RS256', 'ES256', 'eddsa', 'Ed25519') }, { weight: 1, arbitrary: odd }),
  typ: rarely(fc.constantFrom('JWT', 'at+jwt', 7)),
  kid: fc.oneof(
    { weight: 4, arbitrary: fc.constant('$KID') },
    { weight: 1, arbitrary: fc.constantFrom('../../etc/passwd', '/dev/zero', 'file:///etc/passwd', 'http://127.0.0.1:1/key', '\u0000', 'a'.repeat(300)) },
    { weight: 1, arbitrary: odd },
    { weight: 1, arbitrary: fc.constant(undefined) },
  ),
  jku: rarely(fc.constantFrom('$SERVER/stolen-jwks.json', 'http://127.0.0.1:1/jwks.json', 'file:///etc/passwd')),
  x5u: rarely(fc.constantFrom('$SERVER/stolen-cert.pem', 'https://example.invalid/cert.pem')),
  jwk: rarely(fc.constant({ kty: 'oct', k: 'c2VjcmV0' })),
  crit: rarely(fc.oneof(fc.constant(['b64']), fc.constant(['exp']), odd)),
  b64: rarely(fc.boolean()),
  extra: rarely(odd),
});

const claim = (good: fc.Arbitrary<unknown>) => fc.oneof({ weight: 16, arbitrary: good }, { weight: 1, arbitrary: odd }, { weight: 1, arbitrary: fc.constant(undefined) });
const payload = fc.record({
  sub: claim(fc.constantFrom('U1', 'account-42')),
  name: claim(fc.constantFrom('alice', 'bob')),
  iss: claim(fc.constant('tessera')),
  aud: claim(fc.oneof(fc.constant('tessera-gate'), fc.constant(['tessera-gate', 'other']))),
  exp: claim(fc.integer({ min: NOW_SEC - 100, max: NOW_SEC + 600 })),
  nbf: rarely(claim(fc.integer({ min: NOW_SEC - 100, max: NOW_SEC + 100 }))),
  iat: usually(claim(fc.integer({ min: NOW_SEC - 100, max: NOW_SEC }))),
  jti: usually(fc.string({ maxLength: 8 })),
});

// Now and then a part is not an object's JSON at all.
const part = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 8, arbitrary: arb }, { weight: 1, arbitrary: fc.constantFrom('null', '[]', '"x"', '{', '{"alg":"EdDSA","alg":"none"}', '\u00ff\u00fe') });

const damage: fc.Arbitrary<TokenInput['damage']> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), char: fc.constantFrom('A', '.', '=', '+', '/', ' ', '\u00e9') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('pad' as const), bytes: fc.constantFrom(1, 5_000, 2 * 1024 * 1024) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('not-a-string' as const), value: odd }) },
);

const input: fc.Arbitrary<TokenInput> = fc.record({
  jwks: fc.boolean(),
  header: part(header),
  payload: part(payload),
  signing: fc.constantFrom<Signing>('genuine', 'genuine', 'genuine', 'stranger', 'hmac-public', 'empty', 'random', 'none'),
  randomSignature: fc.uint8Array({ minLength: 0, maxLength: 80 }),
  damage,
});

function encodePart(value: Record<string, unknown> | string, w: World, server: string): string {
  if (typeof value === 'string') return base64url.encode(value);
  const text = JSON.stringify(value, (_key, v: unknown) => (v === '$KID' ? w.kid : typeof v === 'string' ? v.replace('$SERVER', server) : v));
  return base64url.encode(text);
}

function build(i: TokenInput, w: World): { token: unknown; genuine: boolean } {
  const signingInput = `${encodePart(i.header, w, 'http://127.0.0.1')}.${encodePart(i.payload, w, 'http://127.0.0.1')}`;
  const data = Buffer.from(signingInput);
  let signature: Uint8Array;
  switch (i.signing) {
    case 'genuine':
      signature = sign(null, data, w.issuerKey);
      break;
    case 'stranger':
      signature = sign(null, data, w.strangerKey);
      break;
    case 'hmac-public':
      signature = createHmac('sha256', w.publicX).update(data).digest();
      break;
    case 'random':
      signature = i.randomSignature;
      break;
    default:
      signature = new Uint8Array(0);
  }
  const token = i.signing === 'none' ? `${signingInput}.` : `${signingInput}.${base64url.encode(signature)}`;
  const d = i.damage;
  switch (d.kind) {
    case 'none':
      return { token, genuine: i.signing === 'genuine' };
    case 'cut': {
      const cut = token.slice(0, d.at % (token.length + 1));
      return { token: cut, genuine: cut === token && i.signing === 'genuine' };
    }
    case 'flip': {
      const at = d.at % token.length;
      const flipped = token.slice(0, at) + d.char + token.slice(at + 1);
      return { token: flipped, genuine: flipped === token && i.signing === 'genuine' };
    }
    case 'pad':
      return { token: token + 'A'.repeat(d.bytes), genuine: false };
    case 'not-a-string':
      return { token: d.value, genuine: false };
  }
}

const REFUSALS = new Set(['AUTH_ERR_TOKEN_INVALID', 'AUTH_ERR_TOKEN_TOO_LARGE', 'AUTH_ERR_TOKEN_EXPIRED', 'AUTH_ERR_TOKEN_CLAIMS']);

/** Fuzz target for {@link TokenVerifier.verify}. */
export const fuzzTarget = defineFuzzTarget<TokenInput>({
  name: 'auth.token-verifier',
  description: 'login tokens (JWT) into the gate verifier, with a public key and with a JWKS URL',
  arbitrary: input,
  async check(i) {
    world ??= setUp();
    const w = await world;
    const { token, genuine } = build(i, w);
    let verified;
    try {
      verified = await (i.jwks ? w.byJwks : w.byKey).verify(token);
    } catch (err) {
      if (!(err instanceof AuthError)) throw new Error(`verify threw something else than an AuthError: ${String(err)}`, { cause: err });
      if (!REFUSALS.has(err.code)) throw new Error(`verify refused with ${err.code}`, { cause: err });
      return;
    } finally {
      if (w.strayRequests.length) throw new Error(`a token made the verifier fetch ${w.strayRequests.join(', ')}`);
    }
    const alg = typeof i.header === 'string' ? undefined : i.header.alg;
    if (!genuine || alg !== 'EdDSA') throw new Error(`accepted a token with alg ${String(alg)} signed ${i.signing}`);
    if (typeof verified.uid !== 'string' || verified.uid === '' || typeof verified.name !== 'string' || verified.name === '') {
      throw new Error(`accepted a token naming ${JSON.stringify(verified)}`);
    }
  },
});
