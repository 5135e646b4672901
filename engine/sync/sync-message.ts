/**
 * A sync message as decoded: what one client sees of its space change after one step. The wire
 * format is in docs/sync.md; the server builds one message per client per step, the client's
 * world mirror applies it (leaves first, then enters, then changes).
 */

/** The synced values of one entity: component class name → field name → value. */
export type SyncValues = Record<string, Record<string, unknown>>;

/** An entity that came into the client's view, with all its synced fields. */
export interface SyncEnter {
  /** The entity's number in this space's sync stream (small, never reused within the space). */
  net: number;
  /** The entity's global id. */
  id: string;
  /** The entity's registered type name. */
  type: string;
  values: SyncValues;
}

/** Fields of an entity still in view that changed since the client's last message. */
export interface SyncChange {
  net: number;
  values: SyncValues;
}

/** One step's view change for one client. */
export interface SyncMessage {
  /** The space's step count when the message was built. */
  tick: number;
  /** True: the client's mirror starts over from this message (reconnect, resume, space change). */
  snapshot: boolean;
  /** With a snapshot: the space it describes. */
  space?: { id: string; type: string; tickHz: number };
  enter: SyncEnter[];
  change: SyncChange[];
  /** Net numbers of entities that left the view (or the space). */
  leave: number[];
}
