/**
 * Each bot's random numbers: a seeded xoshiro128** stream per bot, from the run's seed and the
 * bot's index, so that a run with the same seed makes the same choices.
 */
import { SeededRandom } from '../../engine/net/emulator/seeded-random.js';
import { BotError } from './errors.js';

/**
 * Random numbers in [0, 1) for bot `index` of a run seeded with `seed`; equal arguments give equal
 * sequences, and different bots' sequences are unrelated.
 * @throws BotError BOT_ERR_OPTIONS when `seed` is not an integer from 0 to 2^32 - 1.
 */
export function botRandom(seed: number, index: number): () => number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new BotError('BOT_ERR_OPTIONS', `seed must be an integer from 0 to 4294967295, not ${seed}`);
  }
  // Hash the pair so that neighbouring bots start from unrelated states (SeededRandom's own
  // seeding steps by a fixed increment, which consecutive seeds would share).
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  const random = new SeededRandom((h ^ (h >>> 16)) >>> 0);
  return () => random.next();
}
