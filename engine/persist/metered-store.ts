/**
 * A {@link Store} that times every operation of the store it wraps and tells an observer how each
 * ended (engine/metrics/store-metrics.ts), so that neither backend knows about metrics.
 */
import type { Clock } from '../timer/clock.js';
import type { FindFilter, FindOptions, OwnerClaim, OwnerRef, SaveOutcome, SaveRequest, Store, StoredDocument } from './store.js';

/** The operations a {@link MeteredStore} times: every method of a store but `close`. */
export type StoreOperation = Exclude<keyof Store, 'backend' | 'connected' | 'close'>;

/** What learns how each store operation ended, and how long it took. */
export interface StoreObserver {
  /**
   * `operation` on backend `backend` settled `seconds` after it began, with the error it was
   * rejected with (`undefined` when it succeeded). Must not throw.
   */
  operationSettled(operation: StoreOperation, backend: string, seconds: number, error: unknown): void;
}

/** Wraps a store so that each operation is timed and reported to `observer`. */
export class MeteredStore implements Store {
  /**
   * @param inner the store that does the work.
   * @param observer told of each operation once it settles.
   * @param clock the time operations are measured on.
   */
  constructor(
    private readonly inner: Store,
    private readonly observer: StoreObserver,
    private readonly clock: Clock,
  ) {}

  get backend(): string {
    return this.inner.backend;
  }

  get connected(): boolean {
    return this.inner.connected;
  }

  load(collection: string, id: string): Promise<StoredDocument | undefined> {
    return this.timed('load', () => this.inner.load(collection, id));
  }

  save(collection: string, request: SaveRequest): Promise<number> {
    return this.timed('save', () => this.inner.save(collection, request));
  }

  saveBatch(collection: string, requests: readonly SaveRequest[]): Promise<SaveOutcome[]> {
    return this.timed('saveBatch', () => this.inner.saveBatch(collection, requests));
  }

  delete(collection: string, id: string, expectedVersion?: number): Promise<boolean> {
    return this.timed('delete', () => this.inner.delete(collection, id, expectedVersion));
  }

  find(collection: string, filter: FindFilter, options?: FindOptions): Promise<StoredDocument[]> {
    return this.timed('find', () => this.inner.find(collection, filter, options));
  }

  claimOwner(collection: string, id: string, owner: string, ttlMs: number): Promise<OwnerClaim> {
    return this.timed('claimOwner', () => this.inner.claimOwner(collection, id, owner, ttlMs));
  }

  renewOwners(collection: string, claims: readonly OwnerRef[], ttlMs: number): Promise<string[]> {
    return this.timed('renewOwners', () => this.inner.renewOwners(collection, claims, ttlMs));
  }

  releaseOwner(collection: string, claim: OwnerRef): Promise<void> {
    return this.timed('releaseOwner', () => this.inner.releaseOwner(collection, claim));
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async timed<T>(operation: StoreOperation, run: () => Promise<T>): Promise<T> {
    const started = this.clock.now();
    try {
      const value = await run();
      this.observer.operationSettled(operation, this.inner.backend, (this.clock.now() - started) / 1_000, undefined);
      return value;
    } catch (err) {
      this.observer.operationSettled(operation, this.inner.backend, (this.clock.now() - started) / 1_000, err);
      throw err;
    }
  }
}
