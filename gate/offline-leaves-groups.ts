/**
 * Members who go offline leave their groups (docs/cluster.md, "Groups"): when a session of this
 * gate ends (a `close` event: the player left, was kicked, or its resume window ran out; not a
 * hand-over to another gate, which is a `rebind`), the account leaves every group that does not
 * keep offline members. A failure (Redis away) is logged, at most one line a minute with the
 * count of the others, and never fails the session; the group's next broadcast drops the member
 * it finds offline anyway.
 */
import type { Groups } from '../engine/hub/groups.js';
import { ThrottledLog } from '../engine/log/throttled-log.js';
import type { Logger } from '../engine/log/types.js';
import type { Clock } from '../engine/timer/clock.js';
import type { SessionEventSource } from './session-event-source.js';

/** Interval between two lines about failed leaves. */
const FAILURE_LOG_INTERVAL_MS = 60_000;

/**
 * Makes every account whose session of `source` closes leave its groups.
 * @returns the function that stops it.
 */
export function leaveGroupsWhenOffline(source: SessionEventSource, groups: Pick<Groups, 'wentOffline'>, clock: Clock, logger: Logger): () => void {
  const failures = new ThrottledLog<'leave'>(logger, clock, FAILURE_LOG_INTERVAL_MS);
  return source.on((event) => {
    if (event.kind !== 'close') return;
    groups.wentOffline(event.uid).catch((err: unknown) => failures.warn('leave', 'gate: an account that went offline could not leave its groups', { uid: event.uid, err }));
  });
}
