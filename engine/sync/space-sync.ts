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
import { createDiff, EntityShadow, ShadowPool, type HotColumns, type ShadowDiff } from './sync-shadow.js';

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

// One synced entity, its shadow and its place in the stage, in one object: the passes touch each
// entity's memory once. The fields the observer pass reads for every entity of every view come
// right after the shadow's.
class Tracked extends EntityShadow {
  readonly entity: Entity;
  /** Its bit in each observer's {@link ObserverState.bits}: dense, reused a step after it is gone. */
  readonly index: number;
  /** The observer pass that last met it. */
  metPass = 0;
  // Where its change records lie in the step's arena (end 0: none this step).
  changeStart = 0;
  changeEnd = 0;
  ownerChangeStart = 0;
  ownerChangeEnd = 0;
  /** Its number in the space's sync stream, never reused. */
  readonly net: number;
  readonly parts: (Component | undefined)[];
  /** The entity's bitecs id when last found in the world. */
  eid = -1;
  /** The step this entity was last found in the world. */
  seenStep = 0;
  /** Whether every observer sees it. */
  global = false;
  // Its enter records in the step's arena, encoded at first need in a step.
  enterStart = 0;
  enterEnd = 0;
  ownerEnterStart = 0;
  ownerEnterEnd = 0;
  enterStep = 0;
  ownerEnterStep = 0;
  /** The step in which an observer has it as its avatar. */
  ownedStep = 0;

  constructor(entity: Entity, net: number, index: number, type: SyncType, pool: ShadowPool) {
    super(type, pool, index);
    this.entity = entity;
    this.index = index;
    this.net = net;
    this.parts = new Array<Component | undefined>(type.components.length);
  }
}

interface ObserverState {
  /** What its mirror holds, one bit per {@link Tracked.index}: one array per observer keeps the checks in cache. */
  bits: Uint32Array;
  /** The same, as a list. */
  known: Tracked[];
  owner: Entity | undefined;
  step: number;
}

/** Builds each observer's sync message for one space after each step. */
export class SpaceSync {
  /** Every entity synced now. */
  private tracked: Tracked[] = [];
  /** The same, by bitecs id. */
  private readonly byEid: (Tracked | undefined)[] = [];
  private readonly observers = new Map<string, ObserverState>();
  /** Indexes free for new entities, and those of entities gone this step (free from the next). */
  private readonly freeIndexes: number[] = [];
  private readonly goneIndexes: number[] = [];
  private nextIndex = 0;
  /** Scratch per type, by type number. */
  private readonly diffs: ShadowDiff[];
  /** The world's arrays of each type's hot fields, by type number, fetched each step (they grow). */
  private readonly columns: (ArrayLike<number> | undefined)[][];
  private readonly pool: ShadowPool;
  private readonly arena = new ByteWriter(64 * 1_024);
  private readonly scratch = new ByteWriter();
  private readonly message = new ByteWriter(16 * 1_024);
  private readonly snapshotHead: Uint8Array;
  private readonly globals: Tracked[] = [];
  private readonly enters: Tracked[] = [];
  /** The change records of one observer's message: start, end, start, end… in the arena. */
  private readonly changes: number[] = [];
  private readonly leaves: number[] = [];
  private nextNet = 1;
  private stepNo = 0;
  private pass = 0;

  constructor(private readonly options: SpaceSyncOptions) {
    this.diffs = options.schema.types.map(createDiff);
    this.pool = new ShadowPool(Math.max(1, ...options.schema.types.map((t) => t.entries.length)));
    this.columns = options.schema.types.map((type) => type.entries.map(() => undefined));
    const head = new ByteWriter(256);
    encodeSnapshotHead(head, options.space, options.schema.bytes);
    this.snapshotHead = head.toBytes();
  }

  /** Entities synced now. */
  get entityCount(): number {
    return this.tracked.length;
  }

  /**
   * Builds this step's message for each observer. Observers missing from `observers` are
   * forgotten: one that comes back gets a snapshot. An observer whose avatar changed gets a
   * snapshot too.
   * @returns the message of every observer, by key (slices of one buffer); one with nothing new
   *   is a few bytes: version, flags and tick.
   * @throws Error when two observers share a key.
   */
  step(observers: readonly SyncObserver[]): Map<string, Uint8Array> {
    const keys = new Set<string>();
    for (const o of observers) {
      if (keys.has(o.key)) throw new Error(`SpaceSync.step: two observers have key ${o.key}`);
      keys.add(o.key);
    }
    const step = ++this.stepNo;
    this.arena.reset();
    // Avatars get their owner's change record too (a new one has none yet).
    for (const o of observers) {
      const t = o.owner === undefined ? undefined : this.lookup(o.owner);
      if (t !== undefined) t.ownedStep = step;
    }
    this.scanEntities();
    const tick = this.options.world.stats().steps;
    // Every message goes into one buffer; each observer gets its slice.
    this.message.reset();
    const starts: number[] = [];
    for (const o of observers) {
      starts.push(this.message.length);
      this.observe(o, tick);
    }
    for (const [key, state] of this.observers) if (state.step !== step) this.observers.delete(key);
    // Every observer still here has dropped the gone entities' bits by now.
    for (const index of this.goneIndexes) this.freeIndexes.push(index);
    this.goneIndexes.length = 0;
    const all = this.message.toBytes();
    const out = new Map<string, Uint8Array>();
    observers.forEach((o, i) => out.set(o.key, all.subarray(starts[i]!, i + 1 < starts.length ? starts[i + 1]! : all.length)));
    return out;
  }

  // The tracked entity behind `entity`, if it is alive and synced in this world.
  private lookup(entity: Entity): Tracked | undefined {
    if (!entity.alive) return undefined;
    const t = this.byEid[entity.eid];
    return t !== undefined && t.entity === entity ? t : undefined;
  }

  // Stages 1 and 2: find new and gone entities, diff the others, encode their change records.
  private scanEntities(): void {
    const { world, schema, interest } = this.options;
    const step = this.stepNo;
    const arena = this.arena;
    this.globals.length = 0;
    for (const type of schema.types) {
      const columns = this.columns[type.index]!;
      type.entries.forEach((e, i) => (columns[i] = e.hot ? world.hot(e.component)[e.field] : undefined));
    }
    for (const entity of world.list()) {
      const eid = entity.eid;
      let t = this.byEid[eid];
      const fresh = t === undefined || t.entity !== entity;
      if (fresh) {
        const type = schema.typeOf(entity.typeName);
        if (type === undefined) continue;
        const index = this.freeIndexes.pop() ?? this.nextIndex++;
        t = new Tracked(entity, this.nextNet++, index, type, this.pool);
        this.tracked.push(t);
        this.byEid[eid] = t;
      }
      t = t!;
      const type = t.type;
      t.eid = eid;
      t.seenStep = step;
      t.global = interest !== undefined && !entity.has(interest);
      if (t.global) this.globals.push(t);
      this.refreshParts(t, type);
      const diff = this.diffs[type.index]!;
      t.update(t.parts, this.columns[type.index]! as HotColumns, eid, diff, this.scratch);
      t.changeEnd = t.ownerChangeEnd = 0;
      // A new entity's first values go in its enter record only.
      if (fresh || !diff.any) continue;
      let start = arena.length;
      if (writeChange(arena, t.net, t, diff, type.publicMask)) (t.changeStart = start), (t.changeEnd = arena.length);
      start = arena.length;
      if (t.ownedStep === step && writeChange(arena, t.net, t, diff, undefined)) (t.ownerChangeStart = start), (t.ownerChangeEnd = arena.length);
    }
    // Gone: observers that had it find it missing from their views and report it left.
    const kept: Tracked[] = [];
    for (const t of this.tracked) {
      if (t.seenStep === step) kept.push(t);
      else {
        if (this.byEid[t.eid] === t) this.byEid[t.eid] = undefined;
        this.goneIndexes.push(t.index);
      }
    }
    this.tracked = kept;
  }

  // The entity's components whose plain synced fields are read; one taken off (or put back) is
  // looked up again.
  private refreshParts(t: Tracked, type: SyncType): void {
    for (const c of type.plainComponents) {
      const part = t.parts[c];
      if (part !== undefined && part.hotEid !== DETACHED) continue;
      const cls = type.components[c]!;
      t.parts[c] = t.entity.has(cls) ? t.entity.get(cls) : undefined;
    }
  }

  // Stage 3: one observer's message, appended to the step's message buffer.
  private observe(o: SyncObserver, tick: number): void {
    let state = this.observers.get(o.key);
    const snapshot = o.snapshot || state === undefined || state.owner !== o.owner;
    if (state === undefined) {
      state = { bits: new Uint32Array(0), known: [], owner: o.owner, step: 0 };
      this.observers.set(o.key, state);
    }
    state.owner = o.owner;
    state.step = this.stepNo;
    const words = (this.nextIndex + 31) >>> 5;
    if (state.bits.length < words) {
      const grown = new Uint32Array(words * 2);
      grown.set(state.bits);
      state.bits = grown;
    }
    const { known, bits } = state;
    if (snapshot) {
      bits.fill(0);
      known.length = 0;
    }
    const pass = ++this.pass;
    this.enters.length = this.changes.length = this.leaves.length = 0;
    if (o.owner !== undefined) {
      const t = this.lookup(o.owner);
      if (t !== undefined) this.meet(t, state, pass, true);
    }
    for (const entity of o.view) {
      const t = this.lookup(entity);
      if (t !== undefined) this.meet(t, state, pass, t.entity === o.owner);
    }
    for (const t of this.globals) this.meet(t, state, pass, t.entity === o.owner);
    let kept = 0;
    for (let i = 0; i < known.length; i++) {
      const t = known[i]!;
      if (t.metPass === pass) known[kept++] = t;
      else {
        bits[t.index >>> 5]! &= ~(1 << (t.index & 31));
        this.leaves.push(t.net);
      }
    }
    known.length = kept;
    this.writeMessage(o, tick, snapshot);
  }

  private meet(t: Tracked, state: ObserverState, pass: number, owned: boolean): void {
    if (t.metPass === pass) return;
    t.metPass = pass;
    const word = t.index >>> 5;
    const bit = 1 << (t.index & 31);
    if ((state.bits[word]! & bit) === 0) {
      state.bits[word]! |= bit;
      state.known.push(t);
      this.enters.push(t);
    } else if (owned) {
      if (t.ownerChangeEnd !== 0) this.changes.push(t.ownerChangeStart, t.ownerChangeEnd);
    } else if (t.changeEnd !== 0) this.changes.push(t.changeStart, t.changeEnd);
  }

  private writeMessage(o: SyncObserver, tick: number, snapshot: boolean): void {
    const { enters, changes, leaves } = this;
    const w = this.message;
    writeMessageStart(w, tick, messageFlags(snapshot, leaves.length, enters.length, changes.length));
    if (snapshot) w.raw(this.snapshotHead);
    if (leaves.length > 0) {
      w.varint(leaves.length);
      for (const net of leaves) w.varint(net);
    }
    if (enters.length > 0) {
      w.varint(enters.length);
      for (const t of enters) {
        if (t.entity === o.owner) this.writeOwnerEnter(t);
        else this.writePublicEnter(t);
      }
    }
    if (changes.length > 0) {
      w.varint(changes.length / 2);
      const arena = this.arena.bytes;
      for (let i = 0; i < changes.length; i += 2) w.raw(arena, changes[i]!, changes[i + 1]!);
    }
  }

  // The entity's public enter record, encoded at first need in the step, copied into the message.
  private writePublicEnter(t: Tracked): void {
    if (t.enterStep !== this.stepNo) {
      t.enterStep = this.stepNo;
      t.enterStart = this.arena.length;
      writeEnter(this.arena, t.net, t.entity.id, t, t.type.publicMask);
      t.enterEnd = this.arena.length;
    }
    this.message.raw(this.arena.bytes, t.enterStart, t.enterEnd);
  }

  // The same with the owner-only fields, for the avatar's own player.
  private writeOwnerEnter(t: Tracked): void {
    if (t.ownerEnterStep !== this.stepNo) {
      t.ownerEnterStep = this.stepNo;
      t.ownerEnterStart = this.arena.length;
      writeEnter(this.arena, t.net, t.entity.id, t, undefined);
      t.ownerEnterEnd = this.arena.length;
    }
    this.message.raw(this.arena.bytes, t.ownerEnterStart, t.ownerEnterEnd);
  }
}
