/**
 * What a lobby remembers of the entities that moved away from it (live migration), so that the
 * calls that still come to their old mailbox reach them: while one is leaving, its queue (calls
 * wait there for the move's outcome); once it left, the lobby it went to. Bounded and expiring:
 * a record lives `forwardMs` and at most `maxForwards` are kept (the oldest go first); a caller
 * that comes later than that gets RPC_ERR_NO_SUCH_ENTITY, as for any entity this lobby never had.
 * Served to RPC as the node's forwards (engine/rpc/targets.ts).
 */
import type { EntityForwards, SerialQueue } from '../engine/rpc/targets.js';
import type { Clock } from '../engine/timer/clock.js';

/** What a {@link MigrationRecords} needs. */
export interface MigrationRecordsOptions {
  /** This lobby's server id, read at each use. */
  serverId: () => string;
  /** Whether an entity with this id is live on this lobby (it came back). */
  isHere: (id: string) => boolean;
  clock: Clock;
  /** How long a record of where an entity went is kept. */
  forwardMs: number;
  /** Records kept at most. */
  maxForwards: number;
}

interface Forward {
  to: string;
  until: number;
}

/** The forwarding records of one lobby. */
export class MigrationRecords implements EntityForwards {
  private readonly leaving = new Map<string, SerialQueue>();
  private readonly forwards = new Map<string, Forward>();

  constructor(private readonly options: MigrationRecordsOptions) {}

  /** Entity `id` is leaving: calls to it wait in `queue`, where its move runs. */
  startLeaving(id: string, queue: SerialQueue): void {
    this.leaving.set(id, queue);
  }

  /** The move of entity `id` is over: it is on lobby `to` now (this one, when it stayed or came back). */
  settled(id: string, to: string): void {
    this.leaving.delete(id);
    this.forwards.delete(id);
    if (to === this.options.serverId()) return;
    this.forwards.set(id, { to, until: this.options.clock.now() + this.options.forwardMs });
    while (this.forwards.size > this.options.maxForwards) this.forwards.delete(this.forwards.keys().next().value!);
  }

  whereIs(id: string): string | SerialQueue | undefined {
    const queue = this.leaving.get(id);
    if (queue) return queue;
    if (this.options.isHere(id)) return this.options.serverId();
    const forward = this.forwards.get(id);
    if (!forward) return undefined;
    if (forward.until <= this.options.clock.now()) {
      this.forwards.delete(id);
      return undefined;
    }
    return forward.to;
  }
}
