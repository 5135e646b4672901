import { StoreError } from './errors.js';
import { MAX_FIND_LIMIT, type FindFilter, type FindOptions, type OwnerRef, type SaveRequest } from './store.js';
import { RESERVED_FIELDS } from './validate-document.js';

// No "__" inside: the backends keep `<name>__claims` and `<name>__owners` beside a collection.
const COLLECTION_NAME = /^[A-Za-z](?!.*__)[A-Za-z0-9_-]{0,63}$/;
/** Longest id a store accepts, in UTF-8 bytes. */
export const MAX_ID_BYTES = 256;
const DEFAULT_FIND_LIMIT = 1_000;
/** Most requests one `saveBatch` call takes; a larger batch is split by the caller. */
export const MAX_BATCH_SIZE = 100_000;

function invalid(detail: string): never {
  throw new StoreError('STORE_ERR_INVALID_ARGUMENT', detail);
}

/** @throws StoreError STORE_ERR_INVALID_ARGUMENT unless `name` is 1–64 letters, digits, `_` or `-`, starting with a letter, without `__`. */
export function checkCollection(name: string): void {
  if (typeof name !== 'string' || !COLLECTION_NAME.test(name)) invalid(`bad collection name ${JSON.stringify(name)}`);
}

/** @throws StoreError STORE_ERR_INVALID_ARGUMENT unless `id` is a non-empty string of at most 256 bytes without NUL. */
export function checkId(id: string): void {
  if (typeof id !== 'string' || id.length === 0 || Buffer.byteLength(id) > MAX_ID_BYTES || id.includes('\0')) {
    invalid(`bad document id ${JSON.stringify(typeof id === 'string' ? id.slice(0, 80) : id)}`);
  }
}

/** @throws StoreError STORE_ERR_INVALID_ARGUMENT unless `v` is an integer >= 0. */
export function checkVersion(v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) invalid(`bad version ${String(v)}: expected an integer >= 0`);
}

/** @throws StoreError STORE_ERR_INVALID_ARGUMENT unless `ms` is an integer of at least 1. */
export function checkTtl(ms: number): void {
  if (!Number.isSafeInteger(ms) || ms < 1) invalid(`bad claim time ${String(ms)}: expected an integer >= 1 ms`);
}

/** @throws StoreError STORE_ERR_INVALID_ARGUMENT unless `owner` is a non-empty string of at most 256 bytes. */
export function checkOwner(owner: string): void {
  if (typeof owner !== 'string' || owner.length === 0 || Buffer.byteLength(owner) > MAX_ID_BYTES) invalid(`bad owner ${JSON.stringify(owner)}`);
}

/**
 * Checks the size of a batch, its ids and versions, and that no id appears twice.
 * @throws StoreError STORE_ERR_INVALID_ARGUMENT.
 */
export function checkSaveRequests(collection: string, requests: readonly SaveRequest[]): void {
  checkCollection(collection);
  if (requests.length > MAX_BATCH_SIZE) invalid(`a batch of ${requests.length} is over the ${MAX_BATCH_SIZE}-request limit`);
  const seen = new Set<string>();
  for (const r of requests) {
    checkId(r.id);
    checkVersion(r.expectedVersion);
    if (r.epoch !== undefined && (!Number.isSafeInteger(r.epoch) || r.epoch < 1)) invalid(`bad epoch ${String(r.epoch)} for ${collection}/${r.id}`);
    if (seen.has(r.id)) invalid(`${collection}/${r.id} appears twice in one batch`);
    seen.add(r.id);
  }
}

/**
 * Checks claims named for renewal or release.
 * @throws StoreError STORE_ERR_INVALID_ARGUMENT.
 */
export function checkOwnerRefs(collection: string, claims: readonly OwnerRef[]): void {
  checkCollection(collection);
  if (claims.length > MAX_BATCH_SIZE) invalid(`${claims.length} claims are over the ${MAX_BATCH_SIZE} limit`);
  for (const c of claims) {
    checkId(c.id);
    if (!Number.isSafeInteger(c.epoch) || c.epoch < 1) invalid(`bad epoch ${String(c.epoch)} for ${collection}/${c.id}`);
  }
}

/**
 * Checks a find filter and returns the limit to apply.
 * @throws StoreError STORE_ERR_INVALID_ARGUMENT for empty, reserved or `$` paths, non-scalar values or a bad limit.
 */
export function checkFind(collection: string, filter: FindFilter, options: FindOptions | undefined): number {
  checkCollection(collection);
  for (const [path, value] of Object.entries(filter)) {
    const parts = path.split('.');
    if (RESERVED_FIELDS.has(parts[0]!) || parts.some((p) => p === '' || p.startsWith('$') || p === '__proto__')) {
      invalid(`bad filter path ${JSON.stringify(path)}`);
    }
    const t = typeof value;
    if (value !== null && t !== 'string' && t !== 'number' && t !== 'boolean') {
      invalid(`filter ${path}: only strings, numbers, booleans and null can be matched`);
    }
  }
  const limit = options?.limit ?? DEFAULT_FIND_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_FIND_LIMIT) invalid(`bad find limit ${limit}: 1 to ${MAX_FIND_LIMIT}`);
  return limit;
}
