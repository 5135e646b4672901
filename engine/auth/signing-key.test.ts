import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthError } from './errors.js';
import { MAX_KEY_FILE_BYTES } from './read-key-file.js';
import { SigningKey } from './signing-key.js';

const dir = await mkdtemp(join(tmpdir(), 'signing-key-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AuthError);
  return (err as AuthError).code;
}

describe('SigningKey', () => {
  it('generates an Ed25519 pair whose kid is the RFC 7638 thumbprint of the public key', async () => {
    const key = await SigningKey.generate();
    const { kty, crv, x } = key.publicJwk;
    expect({ kty, crv, alg: key.publicJwk.alg, use: key.publicJwk.use }).toEqual({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(key.publicJwk).not.toHaveProperty('d');
    expect(key.kid).toBe(await calculateJwkThumbprint({ kty: kty!, crv: crv!, x: x! }));
    expect(Object.isFrozen(key.publicJwk)).toBe(true);
  });

  it('reads back the same pair from the PEM files it exports', async () => {
    const key = await SigningKey.generate();
    await writeFile(join(dir, 'a.key'), await key.exportPrivatePem());
    await writeFile(join(dir, 'a.pub'), await key.exportPublicPem());
    expect((await SigningKey.fromPemFiles(join(dir, 'a.key'), join(dir, 'a.pub'))).kid).toBe(key.kid);
    expect((await SigningKey.fromPemFiles(join(dir, 'a.key'))).publicJwk).toEqual(key.publicJwk);
  });

  it('refuses a public key that does not belong to the private key with AUTH_ERR_KEY', async () => {
    const [a, b] = await Promise.all([SigningKey.generate(), SigningKey.generate()]);
    expect(await codeOf(SigningKey.fromPem(await a.exportPrivatePem(), await b.exportPublicPem()))).toBe('AUTH_ERR_KEY');
  });

  it('refuses keys that are not Ed25519, and text that is no key, with AUTH_ERR_KEY', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecPrivate = ec.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const ed = await SigningKey.generate();
    expect(await codeOf(SigningKey.fromPem(ecPrivate))).toBe('AUTH_ERR_KEY');
    expect(await codeOf(SigningKey.fromPem(await ed.exportPrivatePem(), ec.publicKey.export({ format: 'pem', type: 'spki' }).toString()))).toBe('AUTH_ERR_KEY');
    expect(await codeOf(SigningKey.fromPem('-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n'))).toBe('AUTH_ERR_KEY');
  });

  it('refuses a missing key file and one larger than the cap with AUTH_ERR_KEY', async () => {
    expect(await codeOf(SigningKey.fromPemFiles(join(dir, 'missing.key')))).toBe('AUTH_ERR_KEY');
    await writeFile(join(dir, 'huge.key'), Buffer.alloc(MAX_KEY_FILE_BYTES + 1, 'A'));
    const err = await SigningKey.fromPemFiles(join(dir, 'huge.key')).catch((e: unknown) => e);
    expect((err as AuthError).code).toBe('AUTH_ERR_KEY');
    expect((err as AuthError).detail).toMatch(/more than/);
  });
});
