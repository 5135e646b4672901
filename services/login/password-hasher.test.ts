import { describe, expect, it } from 'vitest';
import { LoginError } from './errors.js';
import { PasswordHasher } from './password-hasher.js';

// Cheap parameters: the tests are about behaviour, not cost.
const cheap = { N: 2 ** 10, r: 1, p: 1 };

describe('PasswordHasher', () => {
  it('writes a self-describing scrypt hash that verifies the password and nothing else', async () => {
    const hasher = new PasswordHasher(cheap);
    const stored = await hasher.hash('correct horse');
    expect(stored).toMatch(/^scrypt\$1024\$1\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(await hasher.verify('correct horse', stored)).toBe(true);
    expect(await hasher.verify('correct horsE', stored)).toBe(false);
  });

  it('salts every hash, so that one password hashes differently each time', async () => {
    const hasher = new PasswordHasher(cheap);
    expect(await hasher.hash('correct horse')).not.toBe(await hasher.hash('correct horse'));
  });

  it('verifies a hash with the parameters stored in it, after the cost was changed', async () => {
    const old = await new PasswordHasher(cheap).hash('correct horse');
    expect(await new PasswordHasher({ N: 2 ** 11, r: 2, p: 1 }).verify('correct horse', old)).toBe(true);
  });

  it('hashes with the production defaults (N = 2^15, r = 8) within the memory limit it sets', async () => {
    const hasher = new PasswordHasher();
    const stored = await hasher.hash('correct horse');
    expect(stored.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await hasher.verify('correct horse', stored)).toBe(true);
  });

  it('treats composed and decomposed accents as the same password', async () => {
    const hasher = new PasswordHasher(cheap);
    const stored = await hasher.hash('caf\u00e9-olé-1');
    expect(await hasher.verify('cafe\u0301-olé-1', stored)).toBe(true);
  });

  it('refuses a new password outside 8..256 characters with LOGIN_ERR_BAD_REQUEST before hashing', async () => {
    const hasher = new PasswordHasher(cheap);
    for (const password of ['short', 'x'.repeat(257), 'x'.repeat(100_000)]) {
      const err = await hasher.hash(password).catch((e: unknown) => e);
      expect((err as LoginError).code).toBe('LOGIN_ERR_BAD_REQUEST');
    }
    // Characters, not UTF-16 units: 256 emoji are a valid password.
    await expect(hasher.hash('😀'.repeat(256))).resolves.toMatch(/^scrypt\$/);
  });

  it('answers false for a password longer than the cap without hashing it', async () => {
    const hasher = new PasswordHasher(cheap);
    const stored = await hasher.hash('correct horse');
    expect(await hasher.verify('x'.repeat(1_000_000), stored)).toBe(false);
  });

  it('throws on a stored hash it did not write, including one asking for an excessive cost', async () => {
    const hasher = new PasswordHasher(cheap);
    const good = await hasher.hash('correct horse');
    const [, , , , salt, hash] = good.split('$');
    for (const bad of ['', 'bcrypt$x', `scrypt$1000$1$1$${salt}$${hash}`, `scrypt$${2 ** 24}$1$1$${salt}$${hash}`, `scrypt$1024$1$1$AAAA$${hash}`]) {
      await expect(hasher.verify('correct horse', bad)).rejects.toThrow(/malformed/);
    }
  });

  it('spends a hash on unknown accounts and always answers false', async () => {
    const hasher = new PasswordHasher(cheap);
    expect(await hasher.verifyDummy('correct horse')).toBe(false);
    expect(await hasher.verifyDummy('anything')).toBe(false);
  });

  it('refuses work past maxConcurrent hashes in flight with LOGIN_ERR_UNAVAILABLE and a retry delay', async () => {
    const hasher = new PasswordHasher({ ...cheap, maxConcurrent: 1 });
    const first = hasher.hash('correct horse');
    const err = await hasher.hash('correct horse').catch((e: unknown) => e);
    expect((err as LoginError).code).toBe('LOGIN_ERR_UNAVAILABLE');
    expect((err as LoginError).retryAfterMs).toBeGreaterThan(0);
    await first;
    await expect(hasher.hash('correct horse')).resolves.toMatch(/^scrypt\$/);
  });

  it('refuses an N that is not a power of two, and r, p or lengths out of range', () => {
    expect(() => new PasswordHasher({ N: 1000 })).toThrow(RangeError);
    expect(() => new PasswordHasher({ N: 2 ** 21 })).toThrow(RangeError);
    expect(() => new PasswordHasher({ r: 0 })).toThrow(RangeError);
    expect(() => new PasswordHasher({ p: 17 })).toThrow(RangeError);
    expect(() => new PasswordHasher({ minLength: 10, maxLength: 9 })).toThrow(RangeError);
  });
});
