/**
 * The acceptor's check that a proved peer is the server discovery places at the connection's
 * address. A peer that dials right after registering may be ahead of this server's view of
 * discovery, so an id discovery does not list yet is looked up again every 50 ms for as long as
 * the connection lives (its handshake deadline bounds the wait).
 */
import type { Logger } from '../log/types.js';
import type { TimerService } from '../timer/timer-service.js';
import { parseAddress } from './address.js';
import { hostMatches } from './peer-address.js';

// How often to look again for a proved peer that discovery does not list yet.
const DISCOVERY_POLL_MS = 50;

/** What {@link checkDiscovery} needs. */
export interface DiscoveryCheck {
  /** The claimed server id. */
  peerId: string;
  /** The connection's remote IP, and `remote` its `ip:port` for logs. */
  remoteHost: string;
  remote: string;
  resolve(serverId: string): string | undefined;
  /** Whether the answer is still wanted (the connection is open, the node running). */
  wanted(): boolean;
  timers: TimerService;
  logger: Logger;
}

/**
 * Calls `done` with `undefined` once discovery places `peerId` at `remoteHost`, or with what is
 * wrong; never when the answer stops being wanted first.
 */
export function checkDiscovery(check: DiscoveryCheck, done: (problem: string | undefined) => void, waited = false): void {
  const { peerId, remoteHost } = check;
  const registered = check.resolve(peerId);
  if (registered === undefined) {
    if (!waited) check.logger.debug('rpc: a proved peer is not in discovery yet; waiting for it', { remote: check.remote, claimed: peerId });
    check.timers.once(DISCOVERY_POLL_MS, () => {
      if (check.wanted()) checkDiscovery(check, done, true);
    });
    return;
  }
  let host: string;
  try {
    host = parseAddress(registered).host;
  } catch {
    done(`${peerId} is registered at an unreadable address ${JSON.stringify(registered)}`);
    return;
  }
  void hostMatches(host, remoteHost).then((matches) => {
    if (check.wanted()) done(matches ? undefined : `${peerId} is registered at ${registered}, not at ${remoteHost}`);
  });
}
