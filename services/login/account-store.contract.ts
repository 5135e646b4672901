/**
 * What {@link AccountStore} does on every {@link Store} backend. account-store.test.ts runs it on
 * LMDB, account-store.integration.test.ts on the MongoDB-compatible server the tests start.
 */
import { decodeTime, isValid } from 'ulid';
import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '../../engine/persist/store.js';
import { ManualClock } from '../../engine/timer/clock.js';
import { AccountStore } from './account-store.js';
import { LoginError } from './errors.js';

async function loginCode(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(LoginError);
  return (err as LoginError).code;
}

/** Registers the account store tests for one backend under `describe(label)`. */
export function describeAccountStore(label: string, openStore: () => Promise<Store>): void {
  describe(`AccountStore (${label})`, () => {
    const clock = new ManualClock(1_700_000_000_000);
    const opened = openStore();
    const accounts = opened.then((store) => new AccountStore({ store, clock }));
    afterAll(async () => (await opened).close());

    it('creates an account under its normalized name and finds it by any casing', async () => {
      const created = await (await accounts).create('  Alice ', 'scrypt$hash');
      expect(created).toEqual({ uid: created.uid, username: 'alice', passwordHash: 'scrypt$hash', createdAt: 1_700_000_000_000 });
      expect(isValid(created.uid)).toBe(true);
      expect(decodeTime(created.uid)).toBe(1_700_000_000_000);
      expect(await (await accounts).find('ALICE')).toEqual(created);
      const doc = await (await opened).load('accounts', 'alice');
      expect(doc).toMatchObject({ id: 'alice', version: 1, data: created });
    });

    it('refuses a name that exists, in any casing, with LOGIN_ERR_USERNAME_TAKEN and keeps the first account', async () => {
      const first = await (await accounts).create('bob', 'scrypt$first');
      expect(await loginCode((await accounts).create('BOB', 'scrypt$second'))).toBe('LOGIN_ERR_USERNAME_TAKEN');
      expect(await (await accounts).find('bob')).toEqual(first);
    });

    it('lets exactly one of two racing registrations of one name succeed', async () => {
      const results = await Promise.allSettled([(await accounts).create('carol', 'scrypt$a'), (await accounts).create('Carol', 'scrypt$b')]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect((rejected?.reason as LoginError).code).toBe('LOGIN_ERR_USERNAME_TAKEN');
    });

    it('refuses an invalid username with LOGIN_ERR_BAD_REQUEST', async () => {
      expect(await loginCode((await accounts).create('no spaces', 'scrypt$x'))).toBe('LOGIN_ERR_BAD_REQUEST');
    });

    it('finds nothing for an unknown name or one no account can have', async () => {
      expect(await (await accounts).find('nobody')).toBeUndefined();
      expect(await (await accounts).find('x')).toBeUndefined();
    });

    it('gives every account a different uid', async () => {
      const [a, b] = [await (await accounts).create('dave', 'h'), await (await accounts).create('erin', 'h')];
      expect(a.uid).not.toBe(b.uid);
    });
  });
}
