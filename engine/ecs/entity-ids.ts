import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import type { Clock } from '../timer/clock.js';

const POOL_BYTES = 4_096;

/**
 * A cryptographic random source for ULIDs that draws from the kernel a pool at a time, instead
 * of once per character as ulid's default does (a spawn-heavy tick creates thousands of ids).
 */
function pooledRandom(): () => number {
  const pool = new Uint8Array(POOL_BYTES);
  let next = POOL_BYTES;
  return () => {
    if (next === POOL_BYTES) {
      randomFillSync(pool);
      next = 0;
    }
    return pool[next++]! / 256;
  };
}

/**
 * Entity ids: ULIDs (sortable by creation time, globally unique), with the time from `clock`
 * and strictly increasing within one generator.
 */
export function createEntityIds(clock: Clock): () => string {
  const next = monotonicFactory(pooledRandom());
  return () => next(Math.floor(clock.now()));
}
