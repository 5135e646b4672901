import { StoreError } from './errors.js';

/**
 * Tracks a store's operations in flight so that `close()` refuses new ones at once and waits for
 * those already running, instead of cutting them off halfway.
 */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();
  private closed = false;

  /** @param name names the store in STORE_ERR_CLOSED errors. */
  constructor(private readonly name: string) {}

  /**
   * Runs `op` as one tracked operation.
   * @throws StoreError STORE_ERR_CLOSED once {@link InFlight.close} was called.
   */
  run<T>(op: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreError('STORE_ERR_CLOSED', this.name));
    const p = op();
    this.running.add(p);
    const forget = (): void => void this.running.delete(p);
    p.then(forget, forget);
    return p;
  }

  /** Refuses new operations and resolves when every running one has settled. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.running]);
  }
}
