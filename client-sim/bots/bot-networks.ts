/**
 * The networks of one worker's bots: for each bot, the transport to connect with, behind the
 * emulated link its profile gives (see network-profile.ts), or the plain one for a bot on a clean
 * network. Every link of the worker runs on one timer service, so that thousands of emulated
 * bots cost one runtime timer.
 */
import { SystemClock, type Clock } from '../../engine/timer/clock.js';
import { createTimerService, type TimerService } from '../../engine/timer/timer-service.js';
import type { ClientTransportFactory, ClientTransportKind } from '../client-transport.js';
import { emulatedTransport } from '../emulated-link/emulated-transport.js';
import { createQuietLogger } from '../quiet-logger.js';
import { botRandom } from './bot-random.js';
import { describeNetworkProfile, profileFor, type NetworkProfile } from './network-profile.js';

/** What {@link createBotNetworks} takes besides the profiles. */
export interface BotNetworksOptions {
  /** The run's seed (an integer from 0 to 2^32 - 1): it picks the bots and seeds their links. */
  seed: number;
  /** Time and timers of the links and the transports (default: a {@link SystemClock}). */
  clock?: Clock;
  /** As the plain transports' option (default 10,000 ms). */
  connectTimeoutMs?: number;
  /** Bytes each direction of a link holds (default 1 MiB); see `EmulatedTransportOptions.maxBufferedBytes`. */
  maxBufferedBytes?: number;
}

/** The transports of a worker's bots. */
export interface BotNetworks {
  /** Each profile in words with its share, for the run summary's `options.networks`. */
  readonly descriptions: string[];
  /** The network bot `index` plays behind; `undefined` for a clean one. */
  profileFor(index: number): NetworkProfile | undefined;
  /**
   * What bot `index` passes to `connectGate` as `transport`: `kind` itself on a clean network, else
   * a factory whose connections go through an emulated link. Call it once per bot and keep the
   * result: each of the bot's connections then draws a new link seed from it.
   */
  transportFor(index: number, kind: ClientTransportKind): ClientTransportKind | ClientTransportFactory;
}

// Keeps the links' random numbers apart from the bot's own (botRandom with the run's seed).
const LINK_SEED_SALT = 0x6e657477;

/**
 * The networks of a run's bots behind `profiles`.
 * @throws BotError BOT_ERR_OPTIONS for a seed out of range or shares over 100%.
 */
export function createBotNetworks(profiles: readonly NetworkProfile[], options: BotNetworksOptions): BotNetworks {
  const clock = options.clock ?? new SystemClock();
  // Checks the seed, and the shares, once.
  botRandom(options.seed, 0);
  profileFor(0, profiles, options.seed);
  let timers: TimerService | undefined;
  return {
    descriptions: profiles.map(describeNetworkProfile),
    profileFor: (index) => profileFor(index, profiles, options.seed),
    transportFor(index, kind) {
      const profile = profileFor(index, profiles, options.seed);
      if (profile === undefined) return kind;
      timers ??= createTimerService({ clock, logger: createQuietLogger() });
      const seed = Math.floor(botRandom((options.seed ^ LINK_SEED_SALT) >>> 0, index)() * 2 ** 32);
      return emulatedTransport(kind, profile, { seed, clock, timers, connectTimeoutMs: options.connectTimeoutMs, maxBufferedBytes: options.maxBufferedBytes });
    },
  };
}
