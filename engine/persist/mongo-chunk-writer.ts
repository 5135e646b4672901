/**
 * Writes one chunk of a batch to MongoDB:
 *
 *   claim (FerretDB only) → bulk insert/replace → read back what is unsure → release claims
 *
 * Every chunk carries a fresh random write token in `_w`, so after a retry or a partial failure
 * the writer reads back which of its writes landed instead of guessing.
 */
import { randomBytes } from 'node:crypto';
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import type { Logger } from '../log/types.js';
import type { VersionClaims } from './mongo-claims.js';
import { duplicateIdIndexes } from './mongo-errors.js';
import type { Row } from './mongo-row.js';
import type { SaveOutcome, SaveRequest } from './store.js';

/** What a chunk write needs from its store. */
export interface ChunkWriterContext {
  /** Runs one driver operation with the store's bounded retries; `attempt` counts from 1. */
  run<T>(what: string, op: (attempt: number) => Promise<T>): Promise<T>;
  logger: Logger;
  /** Most replacements per update command. */
  updatesPerCommand: number;
}

/** Writes `chunk` to `col` and returns each request's outcome, in order. */
export async function writeChunk(
  ctx: ChunkWriterContext,
  col: Collection<Row>,
  claims: VersionClaims | undefined,
  chunk: readonly SaveRequest[],
): Promise<SaveOutcome[]> {
  const token = randomBytes(12).toString('base64url');
  const updates = chunk.filter((r) => r.expectedVersion !== 0);
  let writable: readonly SaveRequest[] = chunk;
  let verified: Map<string, SaveOutcome> | undefined;
  try {
    if (claims && updates.length > 0) {
      const won = await ctx.run(`claim versions in ${col.collectionName}`, () => claims.acquire(updates, token));
      writable = chunk.filter((r) => r.expectedVersion === 0 || won.has(r.id));
    }
    const certain = writable.length === 0 || (await bulkWrite(ctx, col, writable, token));
    // What is not known to have landed is read back: `_w` tells whether this writer's write is there.
    const unsure = certain ? chunk.filter((r) => !writable.includes(r)) : chunk;
    verified = await verify(ctx, col, unsure, token);
  } finally {
    if (claims) await releaseClaims(ctx, claims, writable, verified, token);
  }
  return chunk.map((r): SaveOutcome => verified!.get(r.id) ?? { id: r.id, ok: true, version: r.expectedVersion + 1 });
}

// Without outcomes (the claim or the write failed) every claim under the token is given back: a
// write of ours that did land is still protected by the `_v` filter of any later writer.
async function releaseClaims(
  ctx: ChunkWriterContext,
  claims: VersionClaims,
  writable: readonly SaveRequest[],
  verified: Map<string, SaveOutcome> | undefined,
  token: string,
): Promise<void> {
  const updates = writable.filter((r) => r.expectedVersion !== 0);
  try {
    if (!verified) await ctx.run('release claims', () => claims.releaseToken(token));
    else {
      const landed = updates.filter((r) => verified.get(r.id)?.ok !== false);
      const failed = updates.filter((r) => verified.get(r.id)?.ok === false);
      await ctx.run('release claims', () => claims.release(landed, failed, token));
    }
  } catch (err) {
    ctx.logger.warn('claims not released; they expire as stale', { err, count: updates.length });
  }
}

// Unordered bulk writes; true when every write is known to have landed on the first attempt.
async function bulkWrite(ctx: ChunkWriterContext, col: Collection<Row>, requests: readonly SaveRequest[], token: string): Promise<boolean> {
  const inserts: AnyBulkWriteOperation<Row>[] = [];
  const replaces: AnyBulkWriteOperation<Row>[] = [];
  for (const r of requests) {
    const epoch = r.epoch === undefined ? {} : { _e: r.epoch };
    if (r.expectedVersion === 0) inserts.push({ insertOne: { document: { ...r.data, _id: r.id, _v: 1, _w: token, ...epoch } } });
    else {
      const replacement = { ...r.data, _v: r.expectedVersion + 1, _w: token, ...epoch } as Row;
      // Under an epoch, a document a later epoch has claimed is refused whatever version is named.
      const filter = r.epoch === undefined ? { _id: r.id, _v: r.expectedVersion } : { _id: r.id, _v: r.expectedVersion, _e: { $not: { $gt: r.epoch } } };
      replaces.push({ replaceOne: { filter, replacement } });
    }
  }
  const groups = inserts.length > 0 ? [inserts] : [];
  for (let i = 0; i < replaces.length; i += ctx.updatesPerCommand) groups.push(replaces.slice(i, i + ctx.updatesPerCommand));
  let certain = true;
  for (const ops of groups) {
    const expectMatched = ops.filter((op) => 'replaceOne' in op).length;
    const landed = await ctx.run(`save ${ops.length} to ${col.collectionName}`, async (attempt) => {
      try {
        const res = await col.bulkWrite(ops, { ordered: false });
        return attempt === 1 && res.matchedCount === expectMatched;
      } catch (err) {
        duplicateIdIndexes(err, col.collectionName);
        return false;
      }
    });
    certain &&= landed;
  }
  return certain;
}

async function verify(
  ctx: ChunkWriterContext,
  col: Collection<Row>,
  requests: readonly SaveRequest[],
  token: string,
): Promise<Map<string, SaveOutcome>> {
  if (requests.length === 0) return new Map();
  const rows = await ctx.run(`verify ${requests.length} in ${col.collectionName}`, () =>
    col.find({ _id: { $in: requests.map((r) => r.id) } }, { projection: { _v: 1, _w: 1, _e: 1 } }).toArray(),
  );
  const found = new Map(rows.map((row) => [row._id, row]));
  return new Map(
    requests.map((r): [string, SaveOutcome] => {
      const row = found.get(r.id);
      if (row && row._w === token && row._v === r.expectedVersion + 1) return [r.id, { id: r.id, ok: true, version: row._v }];
      // Still at the expected version but not written: another writer holds the claim.
      const actualVersion = row?._v === r.expectedVersion ? undefined : (row?._v ?? 0);
      const refused = { id: r.id, ok: false as const, expectedVersion: r.expectedVersion, actualVersion };
      return [r.id, r.epoch === undefined ? refused : { ...refused, actualEpoch: row?._e ?? 0 }];
    }),
  );
}
