/**
 * Who may open a connection to the gate, decided at accept before a byte is read: every socket (a
 * WebSocket's before its HTTP upgrade too) and every KCP session counts against the connection cap
 * from then on, and connections that have not authenticated yet (the protocol handshake and then
 * `sys.auth`) are capped in total and per address, an IPv6 address counted under its prefix (engine/net/address-key.ts). A refused connection is closed at once by its acceptor; the refusals are
 * logged at most once per {@link REFUSAL_LOG_INTERVAL_MS}, with counts, so that a flood of them
 * cannot flood the log too.
 */
import type { Clock } from '../engine/timer/clock.js';
import type { Logger } from '../engine/log/types.js';
import { addressKey, checkPrefixBits } from '../engine/net/address-key.js';
import { GateError } from './errors.js';

/** Settings of a {@link ConnectionAdmission}. */
export interface ConnectionAdmissionOptions {
  /** Connections at most, across transports, from accept to close. */
  maxConnections: number;
  /** Connections that have not finished the handshake, at most. */
  maxPending: number;
  /** Connections from one address (an IPv6 address's prefix) that have not finished the handshake, at most. */
  maxPendingPerAddress: number;
  /** Leading bits of an IPv6 address counted as one address (default 64; 128: each address on its own). */
  ipv6PrefixBits?: number;
  clock: Clock;
  logger: Logger;
}

/** One admitted connection's place in the counts. */
export interface AdmissionTicket {
  /** The clock's time at accept: the handshake and authentication deadlines count from here. */
  readonly acceptedAt: number;
  /**
   * The connection authenticated: it no longer counts as pending. Until then (through the
   * handshake and up to `sys.auth`) it does, so that one address cannot hold more than its share
   * of connections that have shown no token. Idempotent.
   */
  authenticated(): void;
  /** The connection is gone: it no longer counts at all. Idempotent. */
  release(): void;
}

/** Why a connection was refused at accept. */
export type RefusalReason = 'full' | 'pending' | 'pendingPerAddress' | 'shuttingDown';

/** The longest one refusal line waits for the next; refusals in between are counted. */
export const REFUSAL_LOG_INTERVAL_MS = 10_000;

/**
 * The IP address of `remote`, without its port.
 * @param remote `ip:port` (an IPv6 address unbracketed, as the acceptors write it) or `[ip]:port`.
 */
export function remoteHost(remote: string): string {
  const bracket = /^\[([^\]]+)\]:\d+$/.exec(remote);
  const at = remote.lastIndexOf(':');
  return bracket ? bracket[1]! : at > 0 ? remote.slice(0, at) : remote;
}

/** The connection and handshake counters of one gate. */
export class ConnectionAdmission {
  private open = 0;
  private pending = 0;
  private readonly pendingByAddress = new Map<string, number>();
  private readonly refusedSinceLog: Record<RefusalReason, number> = { full: 0, pending: 0, pendingPerAddress: 0, shuttingDown: 0 };
  private lastLogAt = -Infinity;
  private readonly ipv6PrefixBits: number | undefined;

  /**
   * @throws RangeError for a cap below 1 or a prefix length outside 0..128 (a programmer error;
   *   the config schema checks them).
   */
  constructor(private readonly options: ConnectionAdmissionOptions) {
    for (const key of ['maxConnections', 'maxPending', 'maxPendingPerAddress'] as const) {
      if (!(options[key] >= 1)) throw new RangeError(`ConnectionAdmission: ${key} must be at least 1, got ${options[key]}`);
    }
    this.ipv6PrefixBits = options.ipv6PrefixBits;
    if (this.ipv6PrefixBits !== undefined) checkPrefixBits(this.ipv6PrefixBits);
  }

  /** Connections admitted and not yet released. */
  get connections(): number {
    return this.open;
  }

  /** Connections admitted that have not finished the handshake. */
  get pendingConnections(): number {
    return this.pending;
  }

  /** Pending connections counted under the address of `remote` (for IPv6, under its prefix). */
  pendingFrom(remote: string): number {
    return this.pendingByAddress.get(this.keyOf(remoteHost(remote))) ?? 0;
  }

  /**
   * Counts a new connection from `remote`, or refuses it.
   * @returns the connection's ticket, or a {@link GateError} (`GATE_ERR_FULL`,
   *   `GATE_ERR_TOO_MANY_HANDSHAKES`) to close it with.
   */
  admit(remote: string): AdmissionTicket | GateError {
    const { maxConnections, maxPending, maxPendingPerAddress, clock } = this.options;
    const host = remoteHost(remote);
    const address = this.keyOf(host);
    const fromAddress = this.pendingByAddress.get(address) ?? 0;
    if (this.open >= maxConnections) return this.refuse('full', host, address, new GateError('GATE_ERR_FULL', `${this.open} connections`));
    if (this.pending >= maxPending) return this.refuse('pending', host, address, new GateError('GATE_ERR_TOO_MANY_HANDSHAKES', `${this.pending} in progress`));
    if (fromAddress >= maxPendingPerAddress) {
      return this.refuse('pendingPerAddress', host, address, new GateError('GATE_ERR_TOO_MANY_HANDSHAKES', `${fromAddress} in progress from this address`));
    }
    this.open++;
    this.pending++;
    this.pendingByAddress.set(address, fromAddress + 1);
    let pending = true;
    let released = false;
    const settle = (): void => {
      if (!pending) return;
      pending = false;
      this.pending--;
      const left = (this.pendingByAddress.get(address) ?? 1) - 1;
      if (left > 0) this.pendingByAddress.set(address, left);
      else this.pendingByAddress.delete(address);
    };
    return {
      acceptedAt: clock.now(),
      authenticated: settle,
      release: () => {
        if (released) return;
        released = true;
        settle();
        this.open--;
      },
    };
  }

  /**
   * Counts a connection refused before it reached the counters (the gate is draining), for the
   * log, and returns the error to close it with.
   */
  refuseShuttingDown(remote: string): GateError {
    const host = remoteHost(remote);
    return this.refuse('shuttingDown', host, this.keyOf(host), new GateError('GATE_ERR_SHUTTING_DOWN', 'not accepting'));
  }

  private keyOf(host: string): string {
    return addressKey(host, this.ipv6PrefixBits === undefined ? {} : { ipv6PrefixBits: this.ipv6PrefixBits });
  }

  // The line names the address itself (`from`) and, where it differs, the key it was counted under.
  private refuse(reason: RefusalReason, host: string, address: string, error: GateError): GateError {
    this.refusedSinceLog[reason]++;
    const now = this.options.clock.now();
    if (now - this.lastLogAt >= REFUSAL_LOG_INTERVAL_MS) {
      this.lastLogAt = now;
      this.options.logger.warn('gate: connections refused at accept', {
        reason,
        from: host,
        ...(address === host ? {} : { countedAs: address }),
        code: error.code,
        refused: { ...this.refusedSinceLog },
        connections: this.open,
        pending: this.pending,
      });
      for (const key of Object.keys(this.refusedSinceLog) as RefusalReason[]) this.refusedSinceLog[key] = 0;
    }
    return error;
  }
}
