/**
 * Accounts in the `accounts` collection of a {@link Store}, one document per account with the
 * normalized username as its id, so that the store itself keeps usernames unique: registering is
 * a create-only save, and two racing registrations of one name cannot both succeed.
 */
import { monotonicFactory } from 'ulid';
import { VersionConflictError } from '../../engine/persist/errors.js';
import type { IndexSpec, Store } from '../../engine/persist/store.js';
import type { Clock } from '../../engine/timer/clock.js';
import { LoginError } from './errors.js';
import { normalizeUsername } from './username.js';

/** The collection accounts live in. */
export const ACCOUNTS_COLLECTION = 'accounts';

/** Indexes for the composition root to pass to createStore: lookups by uid. */
export const ACCOUNT_INDEXES: readonly IndexSpec[] = [{ collection: ACCOUNTS_COLLECTION, fields: ['uid'] }];

/** One account as stored. */
export interface Account {
  /** A ULID, fixed for the account's life; the token's `sub`. */
  uid: string;
  /** The normalized username, also the document id. */
  username: string;
  /** From {@link PasswordHasher.hash}. */
  passwordHash: string;
  /** Epoch milliseconds. */
  createdAt: number;
}

/** Options for {@link AccountStore}. */
export interface AccountStoreOptions {
  store: Store;
  clock: Clock;
}

/** Creates and finds accounts. */
export class AccountStore {
  // ulid's default random source is the platform's cryptographic one.
  private readonly nextUid = monotonicFactory();

  constructor(private readonly options: AccountStoreOptions) {}

  /**
   * Creates an account.
   * @param username as typed; it is normalized first.
   * @param passwordHash from {@link PasswordHasher.hash}.
   * @throws LoginError LOGIN_ERR_BAD_REQUEST for an invalid username; LOGIN_ERR_USERNAME_TAKEN when
   *   the name exists; StoreError when the store fails.
   */
  async create(username: string, passwordHash: string): Promise<Account> {
    const name = this.normalize(username);
    const now = Math.floor(this.options.clock.now());
    const account: Account = { uid: this.nextUid(now), username: name, passwordHash, createdAt: now };
    try {
      await this.options.store.save(ACCOUNTS_COLLECTION, { id: name, data: { ...account }, expectedVersion: 0 });
    } catch (err) {
      if (err instanceof VersionConflictError) throw new LoginError('LOGIN_ERR_USERNAME_TAKEN', name, { cause: err });
      throw err;
    }
    return account;
  }

  /**
   * The account for a username, or `undefined` when there is none (or the name is invalid, which
   * no account can have).
   * @throws StoreError when the store fails.
   */
  async find(username: string): Promise<Account | undefined> {
    const name = normalizeUsername(username);
    if (name === undefined) return undefined;
    const doc = await this.options.store.load(ACCOUNTS_COLLECTION, name);
    return doc && (doc.data as unknown as Account);
  }

  private normalize(username: string): string {
    const name = normalizeUsername(username);
    if (name === undefined) throw new LoginError('LOGIN_ERR_BAD_REQUEST', 'username must be 3 to 32 characters from a-z 0-9 _ . -');
    return name;
  }
}
