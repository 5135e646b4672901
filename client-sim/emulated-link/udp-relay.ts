/**
 * A UDP relay on loopback that carries one client's datagrams to a server and back through an
 * emulated link: what KCP sees of a bad network (loss, delay, jitter that reorders, a bandwidth cap
 * with a bounded queue). The client sends to the relay's endpoint; the relay sends on to the target
 * from the same socket, so the server sees one peer address per relay, as it would one per player.
 *
 * The first peer on loopback other than the target to send becomes the relay's client; datagrams
 * from any other address are dropped, and so is one longer than a datagram may be.
 */
import { createSocket, type RemoteInfo } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { MAX_DATAGRAM_BYTES } from '../../engine/net/emulator/link-emulator.js';
import type { LinkPair } from '../../engine/net/emulator/link-pair.js';
import type { Clock } from '../../engine/timer/clock.js';
import type { TimerService } from '../../engine/timer/timer-service.js';
import { parseHostPort } from '../client-inputs.js';
import { EmulatedDirection } from './emulated-direction.js';

/** An open relay. */
export interface UdpRelay {
  /** Where the client sends: `127.0.0.1:port`, or `[::1]:port` for an IPv6 target. */
  readonly endpoint: string;
  /**
   * Stops relaying after `lingerMs` (default 0), closing the socket; the datagrams on their way
   * by then are dropped. A second call does nothing.
   */
  close(lingerMs?: number): void;
  /** Settles once the socket is closed. */
  readonly closed: Promise<void>;
}

/** What a relay runs on. */
export interface UdpRelayOptions {
  /** Wakes the link's directions; shared by many relays. */
  timers: TimerService;
  /** The time of the link, the one `timers` runs on. */
  clock: Clock;
}

/**
 * Opens a relay to `target` (`host:port`; a host name is resolved once, here) through `link`:
 * `aToB` carries the client's datagrams to the target, `bToA` the target's back.
 * @throws ClientError CLIENT_ERR_INVALID_ENDPOINT for a target that is not `host:port`.
 * @throws (rejects) the resolver's error for a host name that does not resolve.
 */
export async function openUdpRelay(target: string, link: LinkPair, options: UdpRelayOptions): Promise<UdpRelay> {
  const { host, port } = parseHostPort(target);
  const { address, family } = await lookup(host);
  const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
  // A send to a closed port shows as no answer, as it would across a network.
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, family === 6 ? '::' : '0.0.0.0', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  let client: RemoteInfo | undefined;
  const toTarget = new EmulatedDirection(link.aToB, options.timers, options.clock, (datagram) => socket.send(datagram, port, address));
  const toClient = new EmulatedDirection(link.bToA, options.timers, options.clock, (datagram) => {
    if (client !== undefined) socket.send(datagram, client.port, client.address);
  });
  socket.on('message', (datagram, from) => {
    if (datagram.length > MAX_DATAGRAM_BYTES) return;
    if (from.port === port && from.address === address) {
      toClient.send(datagram);
      return;
    }
    if (client === undefined && isLoopback(from.address)) client = from;
    if (from.port === client?.port && from.address === client.address) toTarget.send(datagram);
  });
  let closing = false;
  const closed = new Promise<void>((resolve) => socket.once('close', resolve));
  const shut = (): void => {
    toTarget.close();
    toClient.close();
    socket.close();
  };
  const { port: relayPort } = socket.address();
  return {
    endpoint: family === 6 ? `[::1]:${relayPort}` : `127.0.0.1:${relayPort}`,
    close(lingerMs = 0) {
      if (closing) return;
      closing = true;
      if (lingerMs > 0) options.timers.once(lingerMs, shut);
      else shut();
    },
    closed,
  };
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
