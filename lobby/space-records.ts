/**
 * What a lobby keeps of a `persist: true` space between two lives: one document per space id in
 * the store's `spaces` collection, `{ type, entities: [{ type, id }] }`, listing the entities to
 * create again (each saved in its own type's collection, as any entity). Written when the space
 * is disposed and when the lobby drains; read when a space of that id is created again.
 */
import type { Store } from '../engine/persist/store.js';

/** The store collection of space records (no entity type may be named so). */
export const SPACE_RECORDS = 'spaces';

/** One entity of a kept space. */
export interface SpaceRecordEntity {
  type: string;
  id: string;
}

/** A kept space's record as loaded. */
export interface SpaceRecord {
  type: string;
  entities: SpaceRecordEntity[];
  /** The document's version, for the next write. */
  version: number;
}

/**
 * The record of space `id`, if one is stored.
 * @throws StoreError when the store fails; Error when the document is not a space record.
 */
export async function loadSpaceRecord(store: Store, id: string): Promise<SpaceRecord | undefined> {
  const doc = await store.load(SPACE_RECORDS, id);
  if (!doc) return undefined;
  const { type, entities } = doc.data;
  const valid = typeof type === 'string' && Array.isArray(entities) && entities.every((e: unknown) => {
    const entry = e as Partial<SpaceRecordEntity> | null;
    return typeof entry === 'object' && entry !== null && typeof entry.type === 'string' && typeof entry.id === 'string';
  });
  if (!valid) throw new Error(`${SPACE_RECORDS}/${id} is not a space record`);
  return { type: type as string, entities: (entities as SpaceRecordEntity[]).map(({ type: t, id: i }) => ({ type: t, id: i })), version: doc.version };
}

/**
 * Writes the record of space `id` over the version last read or written.
 * @returns the new version.
 * @throws VersionConflictError when another writer moved it; StoreError when the store fails.
 */
export function saveSpaceRecord(store: Store, id: string, record: Omit<SpaceRecord, 'version'>, version: number): Promise<number> {
  return store.save(SPACE_RECORDS, { id, data: { type: record.type, entities: record.entities }, expectedVersion: version });
}
