/**
 * A client transport behind a bad network: `emulatedTransport(kind, profile, options)` gives a
 * factory for `connectGate` that connects the normal Node transport through an emulated link
 * with the profile's latency, jitter, loss and bandwidth (engine/net/emulator).
 *
 *   kcp       a UDP relay on loopback (udp-relay.ts): every datagram, handshake included, may be
 *             lost, delayed, reordered by jitter, or dropped by a full bandwidth queue.
 *   tcp, ws   the link inside the client around the transport's own socket (ordered-link.ts):
 *             latency, jitter that keeps order, bandwidth; no loss (a stream does not lose bytes).
 *
 * Each connection gets its own link, its seed drawn from `options.seed`, and gives it up when it
 * closes: the relay's socket closes, and no timer is left. All links of a factory share one timer
 * service (or the one passed in), so a swarm of emulated bots costs one runtime timer.
 */
import { createLinkPair, type LinkPair, type LinkPairOptions } from '../../engine/net/emulator/link-pair.js';
import { SeededRandom } from '../../engine/net/emulator/seeded-random.js';
import { SystemClock } from '../../engine/timer/clock.js';
import { createTimerService, type TimerService } from '../../engine/timer/timer-service.js';
import type { NetworkProfile } from '../bots/network-profile.js';
import type { ClientPipe, ClientTransportEvents, ClientTransportFactory, ClientTransportKind } from '../client-transport.js';
import { ClientError } from '../errors.js';
import { nodeTransport, type NodeTransportOptions } from '../node-transports.js';
import { createQuietLogger } from '../quiet-logger.js';
import { EmulatedDirection } from './emulated-direction.js';
import { openOrderedLink } from './ordered-link.js';
import { openUdpRelay, type UdpRelay } from './udp-relay.js';

/** What {@link emulatedTransport} takes besides the profile. */
export interface EmulatedTransportOptions extends NodeTransportOptions {
  /** Seed of the links' random decisions (loss, jitter): an integer from -2^31 to 2^32 - 1. */
  seed: number;
  /** Wakes the links when data is due; it must run on `clock` (default: one service per factory, on `clock`). Share one across a swarm. */
  timers?: TimerService;
  /**
   * The most bytes one direction of a link holds, queued for its bandwidth or on its way (default
   * 1 MiB). Past it a KCP datagram is dropped, as a router's full queue drops it; a TCP or
   * WebSocket connection is closed, its reason saying the emulated link overflowed.
   */
  maxBufferedBytes?: number;
  /** Called with each connection's link as it opens, e.g. to read its stats (datagrams lost, queue drops) later. */
  onLink?(link: LinkPair, endpoint: string): void;
}

/** The default of {@link EmulatedTransportOptions.maxBufferedBytes}. */
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;
// How long a KCP relay stays after its session closed, past the link's delay: the session's last
// datagram (its CLOSE) is sent just after, and should reach the gate.
const RELAY_LINGER_MS = 250;

/**
 * A factory that opens `kind` connections behind `profile`.
 * @throws RangeError for a seed that is not a 32-bit integer, or a profile the emulator refuses.
 */
export function emulatedTransport(kind: ClientTransportKind, profile: NetworkProfile, options: EmulatedTransportOptions): ClientTransportFactory {
  const clock = options.clock ?? new SystemClock();
  const timers = options.timers ?? createTimerService({ clock, logger: createQuietLogger() });
  const inner = nodeTransport(kind, { clock, connectTimeoutMs: options.connectTimeoutMs });
  const seeds = new SeededRandom(options.seed);
  const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  // Checked now, with the first seed, rather than at the first connect.
  createLinkPair(linkOptions(kind, profile, 0, maxBufferedBytes));
  return (endpoint, events) => {
    const link = createLinkPair(linkOptions(kind, profile, seeds.nextUint32(), maxBufferedBytes));
    options.onLink?.(link, endpoint);
    if (kind !== 'kcp') {
      return openOrderedLink(inner, endpoint, events, {
        up: (deliver) => new EmulatedDirection(link.aToB, timers, clock, deliver),
        down: (deliver) => new EmulatedDirection(link.bToA, timers, clock, deliver),
      });
    }
    return connectThroughRelay(inner, endpoint, events, () => openUdpRelay(endpoint, link, { timers, clock }), profile);
  };
}

/** The options of both directions of a link behind `profile`. */
export function linkOptions(kind: ClientTransportKind, profile: NetworkProfile, seed: number, maxBufferedBytes: number): LinkPairOptions {
  const ordered = kind !== 'kcp';
  return {
    seed,
    latencyMs: profile.latencyMs,
    jitterMs: profile.jitterMs,
    lossRate: ordered ? 0 : profile.lossRate,
    preserveOrder: ordered,
    bandwidthBytesPerSecond: profile.bandwidthBytesPerSecond,
    maxQueuedBytes: maxBufferedBytes,
    maxInFlightBytes: maxBufferedBytes,
  };
}

async function connectThroughRelay(
  inner: ClientTransportFactory,
  endpoint: string,
  events: ClientTransportEvents,
  open: () => Promise<UdpRelay>,
  profile: NetworkProfile,
): Promise<ClientPipe> {
  const relay = await open().catch((err: unknown) => {
    if (err instanceof ClientError) throw err;
    throw new ClientError('CLIENT_ERR_CONNECT_FAILED', `KCP ${endpoint}: the emulated link's relay could not open: ${String((err as Error).message)}`, { cause: err });
  });
  try {
    return await inner(relay.endpoint, {
      onData: (bytes) => events.onData(bytes),
      onClose: (reason) => {
        relay.close(profile.latencyMs + profile.jitterMs + RELAY_LINGER_MS);
        events.onClose(reason);
      },
    });
  } catch (err) {
    relay.close();
    if (!(err instanceof ClientError)) throw err;
    throw new ClientError(err.code, `${err.detail} (through the emulated link to ${endpoint})`, { cause: err.cause });
  }
}
