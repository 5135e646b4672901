/**
 * A different body to each of many clients (state sync: each player's own view of its space):
 * the bodies are grouped by gate, and each gate gets ONE `pushEach` carrying its sessions and
 * their bodies, however many of them it holds.
 */
import type { RemoteSession } from './remote-session.js';

/**
 * Sends each body on `route` to its session, as it is (bytes, not encoded again).
 * @param deliveries `[session, body]` pairs; a session listed twice gets each of its bodies, in order.
 * @returns how many gates the bodies were queued to; unreachable gates are logged by the link.
 */
export function pushEach(route: string, deliveries: Iterable<readonly [RemoteSession, Uint8Array]>): number {
  const byGate = new Map<string, { first: RemoteSession; ids: string[]; bodies: Uint8Array[] }>();
  for (const [session, body] of deliveries) {
    const group = byGate.get(session.gateId);
    if (group) {
      group.ids.push(session.sessionId);
      group.bodies.push(body);
    } else {
      byGate.set(session.gateId, { first: session, ids: [session.sessionId], bodies: [body] });
    }
  }
  let sent = 0;
  for (const { first, ids, bodies } of byGate.values()) {
    if (first.link.pushEach(first.gateId, route, ids, bodies)) sent++;
  }
  return sent;
}
