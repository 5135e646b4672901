import { isClaimLost } from './claim-lost.js';
import { OwnershipLostError, VersionConflictError } from './errors.js';
import type { SaveRequest, Store } from './store.js';

/**
 * `Store.save` in terms of `saveBatch`, for backends whose single save is a batch of one.
 * @throws OwnershipLostError when a later epoch claimed the document; VersionConflictError when
 *   the stored version differs otherwise.
 */
export async function saveOne(store: Pick<Store, 'saveBatch'>, collection: string, request: SaveRequest): Promise<number> {
  const [outcome] = await store.saveBatch(collection, [request]);
  if (outcome!.ok) return outcome!.version;
  if (isClaimLost(outcome!, request.epoch)) throw new OwnershipLostError(collection, request.id, request.epoch!, outcome!.actualEpoch!);
  throw new VersionConflictError(collection, request.id, request.expectedVersion, outcome!.actualVersion);
}
