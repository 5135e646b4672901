/**
 * A {@link Store} whose writes (`save`, `saveBatch`, `delete`) made inside a trace are spans
 * `store <operation>` (CLIENT, `db.system` the backend, `db.collection.name`); reads, claims and
 * writes outside a trace go straight to the store.
 */
import type { FindFilter, FindOptions, OwnerRef, SaveRequest, Store } from '../persist/store.js';
import type { Tracing } from './tracing.js';

/** `store` with spans around its writes. */
export function tracedStore(store: Store, tracing: Tracing): Store {
  const write = <T>(operation: string, collection: string, fn: () => Promise<T>): Promise<T> =>
    tracing.inSpan(`store ${operation}`, 'client', { 'db.system': store.backend, 'db.operation.name': operation, 'db.collection.name': collection }, 'active', fn);
  return {
    get backend() {
      return store.backend;
    },
    get connected() {
      return store.connected;
    },
    load: (collection: string, id: string) => store.load(collection, id),
    save: (collection: string, request: SaveRequest) => write('save', collection, () => store.save(collection, request)),
    saveBatch: (collection: string, requests: readonly SaveRequest[]) => write('saveBatch', collection, () => store.saveBatch(collection, requests)),
    delete: (collection: string, id: string, expectedVersion?: number) => write('delete', collection, () => store.delete(collection, id, expectedVersion)),
    find: (collection: string, filter: FindFilter, options?: FindOptions) => store.find(collection, filter, options),
    claimOwner: (collection: string, id: string, owner: string, ttlMs: number) => store.claimOwner(collection, id, owner, ttlMs),
    renewOwners: (collection: string, claims: readonly OwnerRef[], ttlMs: number) => store.renewOwners(collection, claims, ttlMs),
    releaseOwner: (collection: string, claim: OwnerRef) => store.releaseOwner(collection, claim),
    close: () => store.close(),
  };
}
