/**
 * One body to many clients (ARCHITECTURE flow 5): the body is encoded once, and each gate gets
 * ONE push carrying the list of its recipients, however many of them it holds.
 */
import type { RemoteSession } from './remote-session.js';

/**
 * Pushes `body` on `route` to every session in `sessions` (a session listed twice gets it once).
 * @returns how many gates the push was queued to; unreachable gates are logged by the link.
 * @throws CodecError when msgpack cannot carry `body`.
 */
export function broadcast(sessions: Iterable<RemoteSession>, route: string, body: unknown): number {
  const byGate = new Map<string, { first: RemoteSession; ids: Set<string> }>();
  for (const session of sessions) {
    const group = byGate.get(session.gateId);
    if (group) group.ids.add(session.sessionId);
    else byGate.set(session.gateId, { first: session, ids: new Set([session.sessionId]) });
  }
  const groups = [...byGate.values()];
  if (groups.length === 0) return 0;
  const bytes = groups[0]!.first.link.encodeBody(body);
  let sent = 0;
  for (const { first, ids } of groups) {
    if (first.link.push(first.gateId, [...ids], route, bytes)) sent++;
  }
  return sent;
}
