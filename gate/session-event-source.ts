/**
 * What the gate tells about its sessions as they bind, rebind and close: the binding and the
 * session manager emit, listeners (the publisher to the cluster's topic, session-events-publisher.ts)
 * hear each event synchronously, in order. A listener that throws is logged; the session goes on.
 */
import type { SessionEventKind } from '../engine/hub/session-events.js';
import type { Logger } from '../engine/log/types.js';
import type { Session } from './session.js';

/** A session event as the gate sees it (the publisher adds the gate and the time). */
export interface GateSessionEvent {
  kind: SessionEventKind;
  uid: string;
  sessionId: string;
  lobbyId?: string;
  reason?: string;
}

/** Hears every {@link GateSessionEvent}. */
export type SessionEventListener = (event: GateSessionEvent) => void;

/** The gate's session events. */
export class SessionEventSource {
  private readonly listeners = new Set<SessionEventListener>();

  constructor(private readonly logger: Logger) {}

  /** Adds a listener; returns the function that removes it. */
  on(listener: SessionEventListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Tells every listener that `session` did `kind` (on lobby `lobbyId`, for `reason`). */
  emit(kind: SessionEventKind, session: Session, lobbyId?: string, reason?: string): void {
    const event: GateSessionEvent = { kind, uid: session.uid, sessionId: session.sessionId };
    if (lobbyId !== undefined) event.lobbyId = lobbyId;
    if (reason !== undefined) event.reason = reason;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error('gate: a session event listener failed', { kind, uid: session.uid, err });
      }
    }
  }
}
