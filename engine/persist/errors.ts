/**
 * The persistence error catalogue. Codes are stable and never reused; each has a test and a line
 * in docs/persist.md.
 */
import { CodedError } from '../errors/coded-error.js';

export const STORE_ERRORS = {
  STORE_ERR_INVALID_DOCUMENT: { message: 'document cannot be stored', when: 'a document that cannot be stored: a function, a symbol, a cycle, a non-finite number, a forbidden key, over the size limit (the error names the path at fault); nothing was written' },
  STORE_ERR_INVALID_ARGUMENT: { message: 'invalid argument', when: 'a bad collection name, id, version, filter or limit, or an id twice in one batch' },
  STORE_ERR_VERSION_CONFLICT: { message: 'version conflict', when: 'the stored version is not the one the write expected (`VersionConflictError`)' },
  STORE_ERR_UNAVAILABLE: { message: 'store unavailable', when: 'the backend cannot be opened or reached after the bounded retries' },
  STORE_ERR_CLOSED: { message: 'store is closed', when: 'a call to a store that was closed' },
  STORE_ERR_BACKEND: { message: 'backend error', when: 'the server or driver refused an operation for another reason (see the `cause`)' },
  STORE_ERR_OWNED: { message: 'another owner holds the document', when: '`claimOwner` while another claim on the document lives (`OwnershipHeldError`)' },
  STORE_ERR_NOT_OWNER: { message: 'ownership claim lost', when: '`save` under an epoch that a later claim superseded (`OwnershipLostError`)' },
} as const;

/** One of the codes in {@link STORE_ERRORS}. */
export type StoreErrorCode = keyof typeof STORE_ERRORS;

/** An error from a {@link Store}, with a stable {@link StoreErrorCode}. */
export class StoreError extends CodedError<StoreErrorCode> {
  override readonly name = 'StoreError';

  /**
   * @param code the catalogue code.
   * @param detail what exactly went wrong, appended to the catalogue message.
   * @param options `cause`: the error behind it.
   */
  constructor(code: StoreErrorCode, detail: string, options?: { cause?: unknown }) {
    super(STORE_ERRORS, code, detail, options);
  }
}

/** Thrown by `save` and `delete` when the stored version is not the expected one. */
export class VersionConflictError extends StoreError {
  /**
   * @param collection where the document lives.
   * @param id the document id.
   * @param expectedVersion the version the caller based its write on (0: "must not exist").
   * @param actualVersion the version found (0: absent), when known.
   */
  constructor(
    readonly collection: string,
    readonly id: string,
    readonly expectedVersion: number,
    readonly actualVersion: number | undefined,
  ) {
    const found = actualVersion === undefined ? 'another writer' : actualVersion === 0 ? 'no document' : `version ${actualVersion}`;
    super('STORE_ERR_VERSION_CONFLICT', `${collection}/${id}: expected version ${expectedVersion}, found ${found}`);
  }
}

/** Thrown by `claimOwner` while another claim on the document is live. */
export class OwnershipHeldError extends StoreError {
  /**
   * @param collection where the document lives.
   * @param id the document id.
   * @param owner the holder of the live claim, when known.
   * @param expiresAt when that claim lapses unless renewed, when known.
   */
  constructor(
    readonly collection: string,
    readonly id: string,
    readonly owner: string | undefined,
    readonly expiresAt: number | undefined,
  ) {
    super('STORE_ERR_OWNED', `${collection}/${id}: held by ${owner ?? 'another owner'}${expiresAt === undefined ? '' : ` until ${new Date(expiresAt).toISOString()}`}`);
  }
}

/** Thrown by `save` when the writer's claim was taken over by a later epoch. */
export class OwnershipLostError extends StoreError {
  /**
   * @param collection where the document lives.
   * @param id the document id.
   * @param epoch the writer's epoch.
   * @param actualEpoch the epoch the document is under now.
   */
  constructor(
    readonly collection: string,
    readonly id: string,
    readonly epoch: number,
    readonly actualEpoch: number,
  ) {
    super('STORE_ERR_NOT_OWNER', `${collection}/${id}: epoch ${epoch} was superseded by epoch ${actualEpoch}`);
  }
}
