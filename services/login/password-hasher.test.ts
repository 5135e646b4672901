import { describe, expect, it } from 'vitest';
import { LoginError } from './errors.js';
import { HashQueue } from './hash-queue.js';
import { PasswordHasher, scryptKdf, type Kdf } from './password-hasher.js';

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

  it('verifies as a login, ahead of new hashes waiting as registrations, which past their budget get LOGIN_ERR_REGISTER_BUSY', async () => {
    const stored = await new PasswordHasher(cheap).hash('correct horse');
    // Real scrypt, each run held until the test lets it go, and recorded by the password it hashes.
    const runs: { password: string; go: () => void }[] = [];
    const kdf: Kdf = (password, salt, length, params) =>
      new Promise<void>((go) => runs.push({ password: password.toString(), go })).then(() => scryptKdf(password, salt, length, params));
    const hasher = new PasswordHasher({ ...cheap, kdf, queue: new HashQueue({ maxConcurrent: 1, maxRegistrations: 3 }) });
    const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

    const registrations = ['flood password 1', 'flood password 2', 'flood password 3'].map((p) => hasher.hash(p));
    const busy = await hasher.hash('flood password 4').catch((e: unknown) => e);
    expect((busy as LoginError).code).toBe('LOGIN_ERR_REGISTER_BUSY');
    const login = hasher.verify('correct horse', stored);
    await flush();
    expect(runs.map((r) => r.password)).toEqual(['flood password 1']);
    runs[0]!.go();
    await registrations[0];
    await flush();
    expect(runs.map((r) => r.password)).toEqual(['flood password 1', 'correct horse']);
    runs[1]!.go();
    expect(await login).toBe(true);
    await flush();
    expect(runs.map((r) => r.password)).toEqual(['flood password 1', 'correct horse', 'flood password 2']);
    runs[2]!.go();
    await registrations[1];
    await flush();
    runs[3]!.go();
    await expect(Promise.all(registrations)).resolves.toHaveLength(3);
  });

  it('refuses an N that is not a power of two, and r, p or lengths out of range', () => {
    expect(() => new PasswordHasher({ N: 1000 })).toThrow(RangeError);
    expect(() => new PasswordHasher({ N: 2 ** 21 })).toThrow(RangeError);
    expect(() => new PasswordHasher({ r: 0 })).toThrow(RangeError);
    expect(() => new PasswordHasher({ p: 17 })).toThrow(RangeError);
    expect(() => new PasswordHasher({ minLength: 10, maxLength: 9 })).toThrow(RangeError);
  });
});
