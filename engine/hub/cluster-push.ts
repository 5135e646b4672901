/**
 * Push to accounts anywhere (ARCHITECTURE flow 5, across gates): the online index says which gate
 * holds each account's session, the accounts are grouped by gate, the body is encoded once, and
 * each gate gets ONE `push(sessionIds, route, body)` notification (engine/session/session-contract.ts)
 * however many of its sessions are listed. An account not logged in is reported, not an error.
 *
 * Delivery is at most once: a push rides an RPC notification, so a gate that dies or drops the
 * link meanwhile loses it, and a session that ends between the lookup and the gate's delivery is
 * skipped by the gate.
 */
import { MsgpackCodec } from '../codec/msgpack-codec.js';
import type { Logger } from '../log/types.js';
import { GATE_SERVICE } from '../session/session-contract.js';
import { HubError } from './errors.js';
import type { OnlineIndex } from './online-index.js';

/** Accounts one push may list (default of {@link ClusterPushOptions.maxUids}). */
export const MAX_PUSH_UIDS = 10_000;

/** What became of a push. */
export interface PushResult {
  /** Gates the push was queued to: one notification each. */
  gates: number;
  /** Accounts not logged in anywhere, in the order listed. */
  offline: string[];
  /** Accounts logged in on a gate the push could not be queued to (it left, its link is full): logged, not retried. */
  unreached: string[];
}

/** The part of an RpcNode a {@link ClusterPush} uses. */
export interface PushNotifier {
  notify(serverId: string, service: string, method: string, args: readonly unknown[]): void;
}

/** What a {@link ClusterPush} needs. */
export interface ClusterPushOptions {
  /** Where accounts are logged in: the gates' index (Redis in a cluster, the gate's own in standalone). */
  online: Pick<OnlineIndex, 'lookupMany'>;
  /** Sends the notifications to gates (the server's RPC node). */
  rpc: PushNotifier;
  logger: Logger;
  /** Encodes bodies (default: the server-to-server limits). */
  codec?: MsgpackCodec;
  /** Accounts one push may list (default {@link MAX_PUSH_UIDS}). */
  maxUids?: number;
}

/** Counters for metrics and tests. */
export interface ClusterPushStats {
  /** Pushes asked for. */
  pushes: number;
  /** Notifications queued to gates. */
  gateCalls: number;
  /** Notifications that could not be queued. */
  failures: number;
}

/** Pushes to accounts wherever they are connected. */
export class ClusterPush {
  private readonly codec: MsgpackCodec;
  /** Accounts one push may list. */
  readonly maxUids: number;
  private readonly counters: ClusterPushStats = { pushes: 0, gateCalls: 0, failures: 0 };

  /** @throws RangeError when `maxUids` is not a positive integer. */
  constructor(private readonly options: ClusterPushOptions) {
    this.codec = options.codec ?? new MsgpackCodec();
    this.maxUids = options.maxUids ?? MAX_PUSH_UIDS;
    if (!Number.isInteger(this.maxUids) || this.maxUids < 1) throw new RangeError(`cluster push: maxUids must be a positive integer, got ${this.maxUids}`);
  }

  /**
   * Sends `body` on `route` to every listed account that is logged in (an account listed twice
   * gets it once).
   * @throws HubError HUB_ERR_PUSH_TOO_MANY when `uids` lists more than the cap (checked first);
   *   CodecError when msgpack cannot carry `body`; what the online index throws (Redis down).
   */
  async push(uids: readonly string[], route: string, body: unknown): Promise<PushResult> {
    if (uids.length > this.maxUids) throw new HubError('HUB_ERR_PUSH_TOO_MANY', `${uids.length} accounts > ${this.maxUids}`);
    return this.pushEncoded(uids, route, this.codec.encode(body));
  }

  /**
   * {@link push} with a body encoded already (msgpack bytes, sent as they are).
   * @throws HubError HUB_ERR_PUSH_TOO_MANY when `uids` lists more than the cap.
   */
  async pushEncoded(uids: readonly string[], route: string, bytes: Uint8Array): Promise<PushResult> {
    if (uids.length > this.maxUids) throw new HubError('HUB_ERR_PUSH_TOO_MANY', `${uids.length} accounts > ${this.maxUids}`);
    this.counters.pushes++;
    const unique = [...new Set(uids)];
    const entries = await this.options.online.lookupMany(unique);
    const byGate = new Map<string, { uids: string[]; sessionIds: string[] }>();
    const offline: string[] = [];
    for (let i = 0; i < unique.length; i++) {
      const entry = entries[i];
      if (!entry) {
        offline.push(unique[i]!);
        continue;
      }
      const group = byGate.get(entry.gateId);
      if (group) {
        group.uids.push(unique[i]!);
        group.sessionIds.push(entry.sessionId);
      } else {
        byGate.set(entry.gateId, { uids: [unique[i]!], sessionIds: [entry.sessionId] });
      }
    }
    let gates = 0;
    const unreached: string[] = [];
    for (const [gateId, group] of byGate) {
      try {
        this.options.rpc.notify(gateId, GATE_SERVICE, 'push', [group.sessionIds, route, bytes]);
        this.counters.gateCalls++;
        gates++;
      } catch (err) {
        this.counters.failures++;
        unreached.push(...group.uids);
        this.options.logger.warn('hub: push not sent to a gate', { err, gateId, route, sessions: group.sessionIds.length });
      }
    }
    return { gates, offline, unreached };
  }

  /** A copy of the counters. */
  stats(): ClusterPushStats {
    return { ...this.counters };
  }
}
