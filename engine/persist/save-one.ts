import { VersionConflictError } from './errors.js';
import type { SaveRequest, Store } from './store.js';

/**
 * `Store.save` in terms of `saveBatch`, for backends whose single save is a batch of one.
 * @throws VersionConflictError when the stored version differs.
 */
export async function saveOne(store: Pick<Store, 'saveBatch'>, collection: string, request: SaveRequest): Promise<number> {
  const [outcome] = await store.saveBatch(collection, [request]);
  if (!outcome!.ok) throw new VersionConflictError(collection, request.id, request.expectedVersion, outcome!.actualVersion);
  return outcome!.version;
}
