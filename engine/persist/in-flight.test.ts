import { describe, expect, it } from 'vitest';
import { StoreError } from './errors.js';
import { InFlight } from './in-flight.js';

describe('InFlight', () => {
  it('waits for running operations on close and refuses new ones', async () => {
    const inflight = new InFlight('test store');
    let finish!: () => void;
    const running = inflight.run(() => new Promise<string>((resolve) => (finish = () => resolve('done'))));
    let closed = false;
    const closing = inflight.close().then(() => (closed = true));
    await Promise.resolve();
    expect(closed).toBe(false);
    const refused = await inflight.run(async () => 'late').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StoreError);
    expect((refused as StoreError).code).toBe('STORE_ERR_CLOSED');
    finish();
    expect(await running).toBe('done');
    await closing;
    expect(closed).toBe(true);
  });

  it('closes even when a running operation fails', async () => {
    const inflight = new InFlight('test store');
    const failing = inflight.run(async () => {
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    await inflight.close();
  });
});
