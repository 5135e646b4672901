/**
 * A draining gate's clients move to other gates instead of being kicked:
 *
 * pick the gates to send them to (registered, not draining, publishing client endpoints) → tell
 * every attached client `sys.move` (session-manager.ts `tellToMove`), spread over those gates in
 * turn → keep serving what the clients still send here → each client resumes its session on its
 * new gate, which takes it over (`handOver`: the session leaves this gate without ending) → done
 * when no session here has a connection, or at the deadline (`gate.drainMoveMs`), after which the
 * gate ends the sessions still here as it always did. A session without a connection is not
 * waited for: its client left (it may resume elsewhere, with its token, until the gate ends it),
 * and a client that could not move (every other gate refused it: they drain too) closes its
 * connection.
 *
 * A session that is binding or moving between lobbies when the drain begins is told at the next
 * look, every {@link LOOK_INTERVAL_MS}, once that is done (its resume token then names the lobby it
 * ends on). New connections are refused while the gate drains.
 */
import type { GateEndpoint } from '../engine/auth/gate-endpoint.js';
import type { Discovery, ServerInfo } from '../engine/cluster/discovery.js';
import type { Logger } from '../engine/log/types.js';
import type { Clock } from '../engine/timer/clock.js';
import type { TimerService } from '../engine/timer/timer-service.js';
import type { SessionManager } from './session-manager.js';

/** How often a draining gate looks for clients to tell and sessions left. */
export const LOOK_INTERVAL_MS = 100;

/** What {@link moveClients} needs. */
export interface ClientMovesOptions {
  sessions: SessionManager;
  discovery: Discovery;
  /** The server type of gates: `gate`, or `standalone` in one process. */
  gateType: string;
  /** This gate's server id (never a target). */
  selfId: string;
  /** How long the clients have to move (`gate.drainMoveMs`); 0 moves nobody. */
  moveMs: number;
  clock: Clock;
  timers: TimerService;
  logger: Logger;
}

/** What a draining gate's move did. */
export interface ClientMovesOutcome {
  /** Clients told to move. */
  told: number;
  /** Sessions still here at the end, with a connection or not (the deadline came first, no gate could take them, or their clients left). */
  left: number;
}

/** The endpoints of a gate as a client reaches it, or `undefined` when it publishes none. */
export function moveTargetOf(server: ServerInfo): GateEndpoint | undefined {
  const { publicKey, tcp, ws, kcp } = server.meta;
  if (!publicKey || (!tcp && !ws && !kcp)) return undefined;
  return { id: server.id, publicKey, ...(tcp ? { tcp } : {}), ...(ws ? { ws } : {}), ...(kcp ? { kcp } : {}) };
}

/**
 * The gates a draining gate sends its clients to: registered, of `gateType`, not `selfId`, not
 * draining, publishing endpoints; in id order.
 */
export function moveTargets(discovery: Discovery, gateType: string, selfId: string): GateEndpoint[] {
  const targets: GateEndpoint[] = [];
  for (const server of discovery.servers(gateType)) {
    if (server.id === selfId || server.draining === true) continue;
    const target = moveTargetOf(server);
    if (target) targets.push(target);
  }
  return targets.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Moves the clients of a draining gate to other gates; see the file's comment. Never rejects.
 * With no other gate to go to, it returns at once and nobody is told.
 */
export async function moveClients(options: ClientMovesOptions): Promise<ClientMovesOutcome> {
  const { sessions, discovery, gateType, selfId, clock, timers, logger } = options;
  if (options.moveMs <= 0 || sessions.attachedCount === 0) return { told: 0, left: sessions.count };
  if (moveTargets(discovery, gateType, selfId).length === 0) {
    logger.warn('gate: draining with no other gate to move clients to', { sessions: sessions.count });
    return { told: 0, left: sessions.count };
  }
  const deadline = clock.now() + options.moveMs;
  let turn = 0;
  let told = 0;
  const look = (): void => {
    const targets = moveTargets(discovery, gateType, selfId);
    told += sessions.tellToMove(() => (targets.length === 0 ? undefined : targets[turn++ % targets.length]));
  };
  look();
  logger.info('gate: draining; clients told to move', { told, sessions: sessions.count, deadlineMs: options.moveMs });
  while (sessions.attachedCount > 0 && clock.now() < deadline) {
    await new Promise<void>((resolve) => timers.once(Math.min(LOOK_INTERVAL_MS, Math.max(0, deadline - clock.now())), () => resolve()));
    look();
  }
  const left = sessions.count;
  const connected = sessions.attachedCount;
  if (connected > 0) logger.warn('gate: clients that did not move by the deadline are kicked', { connected, left, told });
  else logger.info('gate: every client moved', { told, left });
  return { told, left };
}
