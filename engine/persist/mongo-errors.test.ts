import { MongoBulkWriteError, MongoServerError, type BulkWriteResult, type WriteError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { StoreError } from './errors.js';
import { duplicateIdIndexes, isTransientMongoError } from './mongo-errors.js';

// What FerretDB on SQLite answers when a write waited out SQLite's lock.
const BUSY = 'update: [collection.go:177 sqlite.(*collection).UpdateAll.func1] database is locked (5) (SQLITE_BUSY)';

const bulkError = (...errors: { code: number; errmsg: string }[]): MongoBulkWriteError =>
  new MongoBulkWriteError(
    { message: 'bulk write failed', code: errors[0]!.code, writeErrors: errors.map((e, index) => ({ ...e, index }) as unknown as WriteError) },
    {} as BulkWriteResult,
  );

describe('mongo errors', () => {
  it('retries FerretDB answering SQLITE_BUSY, alone or among a bulk write\'s errors, and not other internal errors', () => {
    expect(isTransientMongoError(new MongoServerError({ message: BUSY, code: 1 }))).toBe(true);
    expect(isTransientMongoError(bulkError({ code: 11000, errmsg: 'duplicate key' }, { code: 1, errmsg: BUSY }))).toBe(true);
    expect(isTransientMongoError(new MongoServerError({ message: 'no such table', code: 1 }))).toBe(false);
    expect(isTransientMongoError(bulkError({ code: 11000, errmsg: 'duplicate key' }))).toBe(false);
  });

  it('hands a busy bulk write back to be retried, and reports any other failure among duplicates as a backend error', () => {
    const busy = bulkError({ code: 11000, errmsg: 'duplicate key' }, { code: 1, errmsg: BUSY });
    expect(() => duplicateIdIndexes(busy, 'heroes')).toThrow(busy);
    expect(() => duplicateIdIndexes(bulkError({ code: 2, errmsg: 'bad value' }), 'heroes')).toThrow(StoreError);
    expect(duplicateIdIndexes(bulkError({ code: 11000, errmsg: 'duplicate key' }, { code: 11000, errmsg: 'duplicate key' }), 'heroes')).toEqual([0, 1]);
  });
});
