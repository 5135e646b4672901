import { MongoError, MongoNetworkError, MongoServerSelectionError } from 'mongodb';

// Server codes that mean "try again": shutdown, failover, interrupted and network-level failures.
const TRANSIENT_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

/** Whether a MongoDB driver error is worth retrying: the network, server selection or a failover. */
export function isTransientMongoError(err: unknown): boolean {
  if (err instanceof MongoNetworkError || err instanceof MongoServerSelectionError) return true;
  if (!(err instanceof MongoError)) return false;
  if (err.hasErrorLabel('RetryableWriteError') || err.hasErrorLabel('TransientTransactionError')) return true;
  return typeof err.code === 'number' && TRANSIENT_CODES.has(err.code);
}

/** MongoDB's duplicate-key code: an insert found the id taken. */
export const DUPLICATE_KEY = 11000;
