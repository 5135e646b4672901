/**
 * Publishes a gate's session events (session-event-source.ts) on the cluster's session-events
 * topic, stamped with the gate's id and time. A publish that fails (Redis away) is logged,
 * at most one line a minute with the count of the others, and never fails the session.
 */
import { SESSION_EVENTS_TOPIC, type SessionEvent } from '../engine/hub/session-events.js';
import type { PubSub } from '../engine/hub/pub-sub.js';
import { ThrottledLog } from '../engine/log/throttled-log.js';
import type { Logger } from '../engine/log/types.js';
import type { Clock } from '../engine/timer/clock.js';
import type { SessionEventSource } from './session-event-source.js';

/** Interval between two lines about failed publishes. */
const FAILURE_LOG_INTERVAL_MS = 60_000;

/** What {@link publishSessionEvents} needs. */
export interface SessionEventsPublisherOptions {
  source: SessionEventSource;
  hub: PubSub;
  /** This gate's server id (known once registered). */
  gateId(): string;
  clock: Clock;
  logger: Logger;
}

/**
 * Publishes every event of `source` from now on.
 * @returns the function that stops publishing.
 */
export function publishSessionEvents(options: SessionEventsPublisherOptions): () => void {
  const { source, hub, gateId, clock, logger } = options;
  const failures = new ThrottledLog<'publish'>(logger, clock, FAILURE_LOG_INTERVAL_MS);
  return source.on((event) => {
    const published: SessionEvent = { ...event, gateId: gateId(), at: clock.now() };
    hub.publish(SESSION_EVENTS_TOPIC, published).catch((err: unknown) => failures.warn('publish', 'gate: a session event was not published', { kind: event.kind, uid: event.uid, err }));
  });
}
