/**
 * The sync stage of one space (docs/sync.md): after each step, one message per observer (a
 * player in the space) saying which entities entered its view, with all their synced fields,
 * which synced fields of those it still sees changed, and which left.
 *
 * Stages of {@link SpaceSync.step}:
 *   1. entities: new ones get a net id (never reused in the space) and a shadow; gone ones are
 *      noted once;
 *   2. changes: each entity's fields are compared with its shadow; its change record (and, for an
 *      avatar, its owner's change record) is encoded once into the step's arena;
 *   3. observers: each view is compared with what the observer has; enter records are encoded at
 *      first need and shared; the message is copied together from the arena.
 */
import type { Component, ComponentClass } from '../ecs/component.js';
import type { Entity } from '../ecs/entity.js';
import { DETACHED } from '../ecs/hot-fields.js';
import type { World } from '../ecs/world.js';
import { ByteWriter } from './byte-writer.js';
import { encodeSnapshotHead, messageFlags, writeChange, writeEnter, writeMessageStart, type SyncSpaceInfo } from './sync-encoder.js';
import type { SyncSchema, SyncType } from './sync-schema.js';
import { createDiff, EntityShadow, type ShadowDiff } from './sync-shadow.js';

/** One player in the space, as the sync stage sees it each step. */
export interface SyncObserver {
  /** Who the message is for (the player's session id); unique among one step's observers. */
  key: string;
  /** The player's avatar: it sees the avatar's owner-only fields, and always sees the avatar. */
  owner?: Entity;
  /** The entities the player sees now (from the interest grid). */
  view: ReadonlySet<Entity>;
  /** Start the player's mirror over (a new player, a resume, a reconnect). */
  snapshot: boolean;
}

/** Options for {@link SpaceSync}. */
export interface SpaceSyncOptions {
  /** The space's world. */
  world: World;
  /** The synced fields of the world's entity types. */
  schema: SyncSchema;
  /** What a snapshot says of the space. */
  space: SyncSpaceInfo;
  /** Entities without this component (the interest position) are seen by every observer. */
  interest?: ComponentClass;
}

// Where a record lies in the step's arena; end 0: none.
interface Span {
  start: number;
  end: number;
}

class Tracked {
  readonly parts: (Component | undefined)[];
  /** The step this entity was last found in the world. */
  seenStep = 0;
  /** The observer pass that last met it. */
  metPass = 0;
  /** Whether every observer sees it. */
  global = false;
  readonly change: Span = { start: 0, end: 0 };
  readonly ownerChange: Span = { start: 0, end: 0 };
  readonly enter: Span = { start: 0, end: 0 };
  readonly ownerEnter: Span = { start: 0, end: 0 };
  enterStep = 0;
  ownerEnterStep = 0;
  /** The step in which an observer has it as its avatar. */
  ownedStep = 0;

  constructor(
    readonly entity: Entity,
    readonly net: number,
    readonly shadow: EntityShadow,
  ) {
    this.parts = new Array<Component | undefined>(shadow.type.components.length);
  }
}

interface ObserverState {
  known: Set<Tracked>;
  owner: Entity | undefined;
}

/** Builds each observer's sync message for one space after each step. */
export class SpaceSync {
  private readonly tracked = new Map<Entity, Tracked>();
  private readonly observers = new Map<string, ObserverState>();
  private readonly diffs = new Map<SyncType, ShadowDiff>();
  private readonly arena = new ByteWriter(64 * 1_024);
  private readonly scratch = new ByteWriter();
  private readonly message = new ByteWriter(16 * 1_024);
  private readonly snapshotHead: Uint8Array;
  private readonly globals: Tracked[] = [];
  private nextNet = 1;
  private stepNo = 0;
  private pass = 0;

  constructor(private readonly options: SpaceSyncOptions) {
    const head = new ByteWriter(256);
    encodeSnapshotHead(head, options.space, options.schema.bytes);
    this.snapshotHead = head.toBytes();
  }

  /** Entities synced now. */
  get entityCount(): number {
    return this.tracked.size;
  }

  /**
   * Builds this step's message for each observer. Observers missing from `observers` are
   * forgotten: one that comes back gets a snapshot. An observer whose avatar changed gets a
   * snapshot too.
   * @returns the message of every observer, by key; one with nothing new is 3 to 5 bytes.
   * @throws Error when two observers share a key.
   */
  step(observers: Iterable<SyncObserver>): Map<string, Uint8Array> {
    const list = [...observers];
    this.stepNo++;
    this.arena.reset();
    this.scanEntities(new Set(list.map((o) => o.owner)));
    const tick = this.options.world.stats().steps;
    const out = new Map<string, Uint8Array>();
    for (const o of list) {
      if (out.has(o.key)) throw new Error(`SpaceSync.step: two observers have key ${o.key}`);
      out.set(o.key, this.observe(o, tick));
    }
    for (const key of this.observers.keys()) if (!out.has(key)) this.observers.delete(key);
    return out;
  }

  // Stages 1 and 2: find new and gone entities, diff the others, encode their change records.
  private scanEntities(owners: ReadonlySet<Entity | undefined>): void {
    const { world, schema, interest } = this.options;
    const step = this.stepNo;
    this.globals.length = 0;
    for (const entity of world.list()) {
      const type = schema.typeOf(entity.typeName);
      if (type === undefined) continue;
      let t = this.tracked.get(entity);
      const fresh = t === undefined;
      if (t === undefined) {
        t = new Tracked(entity, this.nextNet++, new EntityShadow(type));
        this.tracked.set(entity, t);
      }
      t.seenStep = step;
      if (owners.has(entity)) t.ownedStep = step;
      t.global = interest !== undefined && !entity.has(interest);
      if (t.global) this.globals.push(t);
      this.refreshParts(t, type);
      let diff = this.diffs.get(type);
      if (!diff) this.diffs.set(type, (diff = createDiff(type)));
      t.shadow.update(t.parts, diff, this.scratch);
      t.change.end = t.ownerChange.end = 0;
      // A new entity's first values go in its enter record only.
      if (fresh || !diff.any) continue;
      this.record(t.change, () => writeChange(this.arena, t.net, t.shadow, diff, type.publicMask));
      if (t.ownedStep === step) this.record(t.ownerChange, () => writeChange(this.arena, t.net, t.shadow, diff, undefined));
    }
    // Gone: observers that had it find it missing from their views and report it left.
    for (const [entity, t] of this.tracked) if (t.seenStep !== step) this.tracked.delete(entity);
  }

  // The entity's components with synced fields; one taken off (or put back) is looked up again.
  private refreshParts(t: Tracked, type: SyncType): void {
    for (let c = 0; c < type.components.length; c++) {
      const part = t.parts[c];
      if (part !== undefined && part.hotEid !== DETACHED) continue;
      const cls = type.components[c]!;
      t.parts[c] = t.entity.has(cls) ? t.entity.get(cls) : undefined;
    }
  }

  private record(span: Span, write: () => boolean): void {
    const start = this.arena.length;
    if (write()) {
      span.start = start;
      span.end = this.arena.length;
    } else span.end = 0;
  }

  // Stage 3: one observer's message.
  private observe(o: SyncObserver, tick: number): Uint8Array {
    let state = this.observers.get(o.key);
    const snapshot = o.snapshot || state === undefined || state.owner !== o.owner;
    if (state === undefined) {
      state = { known: new Set(), owner: o.owner };
      this.observers.set(o.key, state);
    }
    state.owner = o.owner;
    const { known } = state;
    if (snapshot) known.clear();
    const pass = ++this.pass;
    const enters: Tracked[] = [];
    const changes: Tracked[] = [];
    const meet = (t: Tracked | undefined): void => {
      if (t === undefined || t.metPass === pass) return;
      t.metPass = pass;
      if (!known.has(t)) {
        known.add(t);
        enters.push(t);
      } else if ((t.entity === o.owner ? t.ownerChange : t.change).end !== 0) changes.push(t);
    };
    if (o.owner !== undefined) meet(this.tracked.get(o.owner));
    for (const entity of o.view) meet(this.tracked.get(entity));
    for (const t of this.globals) meet(t);
    const leaves: number[] = [];
    for (const t of known) {
      if (t.metPass === pass) continue;
      known.delete(t);
      leaves.push(t.net);
    }
    return this.writeMessage(o, tick, snapshot, leaves, enters, changes);
  }

  private writeMessage(o: SyncObserver, tick: number, snapshot: boolean, leaves: number[], enters: Tracked[], changes: Tracked[]): Uint8Array {
    const w = this.message;
    w.reset();
    writeMessageStart(w, tick, messageFlags(snapshot, leaves.length, enters.length, changes.length));
    if (snapshot) w.raw(this.snapshotHead);
    if (leaves.length > 0) {
      w.varint(leaves.length);
      for (const net of leaves) w.varint(net);
    }
    if (enters.length > 0) {
      w.varint(enters.length);
      for (const t of enters) {
        const span = t.entity === o.owner ? this.ownerEnter(t) : this.publicEnter(t);
        w.raw(this.arena.bytes, span.start, span.end);
      }
    }
    if (changes.length > 0) {
      w.varint(changes.length);
      for (const t of changes) {
        const span = t.entity === o.owner ? t.ownerChange : t.change;
        w.raw(this.arena.bytes, span.start, span.end);
      }
    }
    return w.toBytes();
  }

  private publicEnter(t: Tracked): Span {
    if (t.enterStep !== this.stepNo) {
      t.enterStep = this.stepNo;
      this.record(t.enter, () => (writeEnter(this.arena, t.net, t.entity.id, t.shadow, t.shadow.type.publicMask), true));
    }
    return t.enter;
  }

  private ownerEnter(t: Tracked): Span {
    if (t.ownerEnterStep !== this.stepNo) {
      t.ownerEnterStep = this.stepNo;
      this.record(t.ownerEnter, () => (writeEnter(this.arena, t.net, t.entity.id, t.shadow, undefined), true));
    }
    return t.ownerEnter;
  }
}
