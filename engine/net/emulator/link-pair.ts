/**
 * Both directions of an emulated link from one seed: the common case of a test with two peers,
 * `a` and `b`, each sending through its own direction and receiving from the other.
 */
import { LinkEmulator } from './link-emulator.js';
import { resolveLinkOptions, type LinkEmulatorOptions } from './link-options.js';
import { SeededRandom } from './seeded-random.js';

/** Options of {@link createLinkPair}: those of both directions, and what differs on the way back. */
export interface LinkPairOptions extends LinkEmulatorOptions {
  /**
   * Options that replace the shared ones for b → a only, for an asymmetric link (a slower
   * upload, a lossier return path). A direction takes one form of delay: where the shared options
   * give `delayMs`, override it with `delayMs` too.
   */
  bToA?: Partial<Omit<LinkEmulatorOptions, 'seed'>>;
}

/** The two directions of an emulated link. */
export interface LinkPair {
  /** Carries what `a` sends to `b`. */
  readonly aToB: LinkEmulator;
  /** Carries what `b` sends to `a`. */
  readonly bToA: LinkEmulator;
}

/**
 * Makes both directions of a link. Each gets its own seed derived from `options.seed`, so the two
 * directions drop and delay different datagrams, and the pair as a whole replays from one number.
 * @throws RangeError for a bad option in either direction.
 */
export function createLinkPair(options: LinkPairOptions): LinkPair {
  const { bToA: overrides, ...shared } = options;
  // Checks the shared options, the seed among them, before deriving anything from them.
  const seeds = new SeededRandom(resolveLinkOptions(shared).seed);
  return {
    aToB: new LinkEmulator({ ...shared, seed: seeds.nextUint32() }),
    bToA: new LinkEmulator({ ...shared, ...overrides, seed: seeds.nextUint32() }),
  };
}
