/**
 * Session events across the cluster: gates publish on one topic when a session is first bound
 * to a lobby (`bind`), bound to another lobby or resumed on another gate (`rebind`), and when it
 * ends (`close`; not when another gate takes it over, which publishes the `rebind`). Any server's
 * services subscribe with {@link subscribeSessionEvents}. Delivery is the hub's: at most once, in
 * each gate's order; events of one session from two gates (a resume) may arrive in either order.
 */
import type { PubSub, SubscribeOptions, Subscription } from './pub-sub.js';

/** The topic gates publish session events on. */
export const SESSION_EVENTS_TOPIC = 'sys:session-events';

/** The `reason` of a `rebind` after a move to another lobby (a space there, or a live migration). */
export const MOVED_REASON = 'moved';

/** What happened to a session. */
export const SESSION_EVENT_KIND = { BIND: 'bind', REBIND: 'rebind', CLOSE: 'close' } as const;
/** One of {@link SESSION_EVENT_KIND}. */
export type SessionEventKind = (typeof SESSION_EVENT_KIND)[keyof typeof SESSION_EVENT_KIND];

/** One session event, as published. */
export interface SessionEvent {
  kind: SessionEventKind;
  /** The account. */
  uid: string;
  /** The session, the same on every gate it is resumed on. */
  sessionId: string;
  /** The gate that holds the session (for a close, the one that ended it). */
  gateId: string;
  /** The lobby it is bound to now (bind, rebind), or was bound to (close; absent when it never was). */
  lobbyId?: string;
  /** Why it closed (`not resumed`, `GATE_ERR_DUPLICATE_LOGIN`, a lobby's kick reason, …), or moved (`moved`). */
  reason?: string;
  /** When the gate saw it, in ms since the epoch by the gate's clock. */
  at: number;
}

const KINDS = new Set<unknown>(Object.values(SESSION_EVENT_KIND));
const isString = (value: unknown): value is string => typeof value === 'string';

/** Whether `value` is a well-formed {@link SessionEvent} (what arrives on the topic is checked before a handler sees it). */
export function isSessionEvent(value: unknown): value is SessionEvent {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    KINDS.has(e.kind) &&
    isString(e.uid) &&
    isString(e.sessionId) &&
    isString(e.gateId) &&
    (e.lobbyId === undefined || e.lobbyId === null || isString(e.lobbyId)) &&
    (e.reason === undefined || e.reason === null || isString(e.reason)) &&
    typeof e.at === 'number'
  );
}

/**
 * Subscribes `handler` to every gate's session events; a message on the topic that is not a
 * session event is skipped.
 * @throws what {@link PubSub.subscribe} throws.
 */
export function subscribeSessionEvents(hub: PubSub, handler: (event: SessionEvent) => void | Promise<void>, options?: SubscribeOptions): Promise<Subscription> {
  return hub.subscribe(SESSION_EVENTS_TOPIC, (message) => (isSessionEvent(message) ? handler(message) : undefined), options);
}
