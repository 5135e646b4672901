import { MongoBulkWriteError, MongoError, MongoNetworkError, MongoServerSelectionError, type WriteError } from 'mongodb';
import { StoreError } from './errors.js';

// Server codes that mean "try again": shutdown, failover, interrupted and network-level failures.
const TRANSIENT_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

/** MongoDB's duplicate-key code: an insert found the id taken. */
const DUPLICATE_KEY = 11000;

/**
 * FerretDB on SQLite answers a write that waited out SQLite's lock with an internal error naming
 * SQLITE_BUSY: nothing was written, and the same write may go through a moment later.
 */
const SQLITE_BUSY = /\(SQLITE_BUSY\)/;

/**
 * Whether a MongoDB driver error is worth retrying: the network, server selection, a failover, or
 * FerretDB's SQLite busy (alone or in a bulk write's errors).
 */
export function isTransientMongoError(err: unknown): boolean {
  if (err instanceof MongoNetworkError || err instanceof MongoServerSelectionError) return true;
  if (!(err instanceof MongoError)) return false;
  if (err.hasErrorLabel('RetryableWriteError') || err.hasErrorLabel('TransientTransactionError')) return true;
  if (SQLITE_BUSY.test(err.message) || (err instanceof MongoBulkWriteError && writeErrorsOf(err).some((e) => SQLITE_BUSY.test(e.errmsg ?? '')))) return true;
  return typeof err.code === 'number' && TRANSIENT_CODES.has(err.code);
}

/**
 * The operation indexes that an unordered bulk write refused because the `_id` was taken.
 * @param collection names the collection in errors.
 * @throws the error itself when it is not a bulk write error; StoreError STORE_ERR_BACKEND when
 *   the bulk write failed for a reason other than duplicate ids.
 */
export function duplicateIdIndexes(err: unknown, collection: string): number[] {
  if (!(err instanceof MongoBulkWriteError)) throw err;
  const errors = writeErrorsOf(err);
  const other = errors.find((e) => e.code !== DUPLICATE_KEY);
  // A busy store is the caller's to retry, as the driver's own transient errors are.
  if (other && isTransientMongoError(err)) throw err;
  if (other) throw new StoreError('STORE_ERR_BACKEND', `${collection}: ${other.errmsg ?? other.code}`, { cause: err });
  return errors.map((e) => e.index);
}

function writeErrorsOf(err: MongoBulkWriteError): readonly WriteError[] {
  const { writeErrors } = err;
  return Array.isArray(writeErrors) ? writeErrors : [writeErrors as WriteError];
}
