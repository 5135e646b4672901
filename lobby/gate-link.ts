/**
 * The lobby's way to a gate's 'gate' service (engine/session/session-contract.ts): pushes, kicks
 * and session data go as RPC notifications, since nothing useful can be done with a reply. A gate that
 * cannot be reached (it left, its queue is full) is logged and counted: its sessions are gone or
 * about to be rebound, and the game method that pushed must not fail for it. A space's sync pushes
 * to every gate on every tick, so a gate's failures are logged once until a send to it works again,
 * which is logged with how many failed meanwhile.
 */
import type { Logger } from '../engine/log/types.js';
import { GATE_SERVICE } from '../engine/session/session-contract.js';
import { MsgpackCodec } from '../engine/codec/msgpack-codec.js';

/** Gates whose failures are counted at once: a gate that left for good is forgotten after this many others failed. */
const MAX_FAILING_GATES = 1_024;

/** The part of an RpcNode a {@link GateLink} uses. */
export interface GateNotifier {
  notify(serverId: string, service: string, method: string, args: readonly unknown[]): void;
}

/** Counters for metrics. */
export interface GateLinkStats {
  pushes: number;
  kicks: number;
  /** Pushes, kicks and session data that could not be queued to their gate. */
  failures: number;
}

/** Sends pushes and kicks to gates. */
export class GateLink {
  private readonly counters: GateLinkStats = { pushes: 0, kicks: 0, failures: 0 };
  /** Failed sends by gate since its first failure was logged (the oldest forgotten past {@link MAX_FAILING_GATES}). */
  private readonly failing = new Map<string, number>();

  /**
   * @param rpc the lobby's RPC node.
   * @param logger where unreachable gates are reported.
   * @param codec encodes push bodies (default: the server-to-server limits).
   * @param lobbyId this lobby's server id, named in its kicks so that a gate ignores the kick of a
   *   session that was rebound to another lobby meanwhile (default: not named).
   */
  constructor(
    private readonly rpc: GateNotifier,
    private readonly logger: Logger,
    private readonly codec: MsgpackCodec = new MsgpackCodec(),
    private readonly lobbyId?: () => string,
  ) {}

  /**
   * Encodes a push body once, for any number of gates. The body is the game's own value: it is
   * held to the limits as it is written, not walked again afterwards (engine/codec/msgpack-writer.ts).
   * @throws CodecError when msgpack cannot carry `body` (a bug in the game code that pushed it).
   */
  encodeBody(body: unknown): Uint8Array {
    return this.codec.encode(body);
  }

  /**
   * Sends one push of `body` (encoded) on `route` to `sessionIds`, all held by gate `gateId`.
   * @returns whether it was queued to the gate.
   */
  push(gateId: string, sessionIds: readonly string[], route: string, body: Uint8Array): boolean {
    if (!this.send(gateId, 'push', [sessionIds, route, body])) return false;
    this.counters.pushes++;
    return true;
  }

  /**
   * Sends `bodies[i]` (bytes, delivered as they are) on `route` to `sessionIds[i]`, all held by
   * gate `gateId`: one message for the gate however many clients it carries.
   * @returns whether it was queued to the gate.
   */
  pushEach(gateId: string, route: string, sessionIds: readonly string[], bodies: readonly Uint8Array[]): boolean {
    if (!this.send(gateId, 'pushEach', [route, sessionIds, bodies])) return false;
    this.counters.pushes++;
    return true;
  }

  /**
   * Asks gate `gateId` to close `sessionId` with a KICK, if the session is still this lobby's there.
   * @returns whether it was queued to the gate.
   */
  kick(gateId: string, sessionId: string, reason: string): boolean {
    if (!this.send(gateId, 'kick', this.lobbyId ? [sessionId, reason, this.lobbyId()] : [sessionId, reason])) return false;
    this.counters.kicks++;
    return true;
  }

  /**
   * Asks gate `gateId` to keep `value` (msgpack bytes; `null` removes the key) in session
   * `sessionId`'s data.
   * @returns whether it was queued to the gate.
   */
  setData(gateId: string, sessionId: string, key: string, value: Uint8Array | null): boolean {
    return this.send(gateId, 'setData', [sessionId, key, value]);
  }

  /** A copy of the counters. */
  stats(): GateLinkStats {
    return { ...this.counters };
  }

  private send(gateId: string, method: 'push' | 'pushEach' | 'kick' | 'setData', args: unknown[]): boolean {
    try {
      this.rpc.notify(gateId, GATE_SERVICE, method, args);
    } catch (err) {
      this.counters.failures++;
      const failed = this.failing.get(gateId);
      if (failed === undefined && this.failing.size >= MAX_FAILING_GATES) this.failing.delete(this.failing.keys().next().value!);
      if (failed === undefined) this.logger.warn(`lobby: gate ${method} not sent; further failures to this gate are logged once it is reached again`, { err, gateId });
      this.failing.set(gateId, (failed ?? 0) + 1);
      return false;
    }
    const failed = this.failing.get(gateId);
    if (failed !== undefined) {
      this.failing.delete(gateId);
      this.logger.info('lobby: gate reached again', { gateId, failedSends: failed });
    }
    return true;
  }
}
