/**
 * The client's mirror of what it sees of its space (`client.world`): the entities in view with
 * their synced fields, kept up to date from the server's sync messages (docs/sync.md), and the
 * space the player is in (from `sys.space` pushes and snapshots). Game code and renderers read
 * `entities` and subscribe to `onAdd`, `onChange`, `onRemove` and `onSpace`.
 *
 * A message is applied in the order the server built it: a snapshot first empties the mirror
 * (`onRemove` for each entity it held), then leaves, enters and changes. A message that does not
 * fit the mirror (a change for an entity it does not hold, an enter of one it holds) is a
 * protocol fault: counted in `faults`, logged, and skipped, never thrown at the connection.
 *
 * Runs in Node and in browsers: it imports nothing from Node.
 */
import { ThrottledLog } from '../engine/log/throttled-log.js';
import type { Logger } from '../engine/log/types.js';
import type { SyncMessage, SyncValues } from '../engine/sync/sync-message.js';
import { SystemClock, type Clock } from '../engine/timer/clock.js';
import { ClientError } from './errors.js';
import { createQuietLogger } from './quiet-logger.js';

/** An entity the client sees. `values` is the mirror's own and changes in place as changes arrive. */
export interface MirrorEntity {
  /** The entity's global id. */
  readonly id: string;
  /** Its registered type name. */
  readonly type: string;
  /** Its number in the space's sync stream. */
  readonly net: number;
  /** Its synced fields: component class name → field name → value. */
  readonly values: SyncValues;
}

/** The space the player is in. */
export interface MirrorSpace {
  readonly id: string;
  readonly type: string;
  /** The lobby hosting it, once a `sys.space` push named it. */
  readonly lobbyId: string | undefined;
  /** Its tick rate, once a snapshot named it. */
  readonly tickHz: number | undefined;
}

/** Turns the bytes of a `sys.sync` push into a {@link SyncMessage}; throws on bytes it cannot read. */
export interface SyncMessageDecoder {
  decode(bytes: Uint8Array): SyncMessage;
}

/** Settings of a {@link WorldMirror}. */
export interface WorldMirrorOptions {
  /** Time for {@link WorldMirror.waitFor} and the interpolator's samples (default a {@link SystemClock}). */
  clock?: Clock;
  /** Where faults and throwing listeners are logged (default: errors and warnings to the console). */
  logger?: Logger;
  /** Decodes the bytes given to {@link WorldMirror.receive}; without one, every sync message is a fault. */
  decoder?: SyncMessageDecoder;
}

/** Why a sync message or a space push did not fit the mirror. */
export type SyncFault = 'undecodable' | 'no-decoder' | 'enter-known' | 'enter-duplicate-id' | 'change-unknown' | 'leave-unknown' | 'bad-space';

// One warning line per kind of fault at most this often: a server sending garbage every tick must not flood the console.
const FAULT_LOG_INTERVAL_MS = 10_000;

interface Waiter {
  check(): void;
}

/** The client's view of its space. */
export class WorldMirror {
  /** The clock the mirror runs on. */
  readonly clock: Clock;
  private readonly byId = new Map<string, MirrorEntity>();
  private readonly byNetNumber = new Map<number, MirrorEntity>();
  private current: MirrorSpace | undefined;
  private faultCount = 0;
  private readonly logger: Logger;
  private readonly faultLog: ThrottledLog<SyncFault>;
  private readonly decoder: SyncMessageDecoder | undefined;
  private readonly addListeners = new Set<(entity: MirrorEntity) => void>();
  private readonly changeListeners = new Set<(entity: MirrorEntity, changed: SyncValues) => void>();
  private readonly removeListeners = new Set<(entity: MirrorEntity) => void>();
  private readonly spaceListeners = new Set<(space: MirrorSpace) => void>();
  private readonly waiters = new Set<Waiter>();

  constructor(options: WorldMirrorOptions = {}) {
    this.clock = options.clock ?? new SystemClock();
    this.logger = options.logger ?? createQuietLogger();
    this.faultLog = new ThrottledLog(this.logger, this.clock, FAULT_LOG_INTERVAL_MS);
    this.decoder = options.decoder;
  }

  /** The entities in view, by id. */
  get entities(): ReadonlyMap<string, MirrorEntity> {
    return this.byId;
  }

  /** The entity with `id`, if in view. */
  get(id: string): MirrorEntity | undefined {
    return this.byId.get(id);
  }

  /** The entity with sync number `net`, if in view. */
  byNet(net: number): MirrorEntity | undefined {
    return this.byNetNumber.get(net);
  }

  /** The space the player is in, once the server has said. */
  get space(): MirrorSpace | undefined {
    return this.current;
  }

  /** How many messages or parts of messages were skipped as protocol faults since the mirror was made. */
  get faults(): number {
    return this.faultCount;
  }

  /** Calls `fn` with each entity that comes into view. Returns the unsubscribe function. */
  onAdd(fn: (entity: MirrorEntity) => void): () => void {
    return subscribe(this.addListeners, fn);
  }

  /** Calls `fn` with each entity whose fields changed, after they changed, and the changed fields alone. */
  onChange(fn: (entity: MirrorEntity, changed: SyncValues) => void): () => void {
    return subscribe(this.changeListeners, fn);
  }

  /** Calls `fn` with each entity that left the view, after it left. */
  onRemove(fn: (entity: MirrorEntity) => void): () => void {
    return subscribe(this.removeListeners, fn);
  }

  /** Calls `fn` when the space (or what is known of it) changes. */
  onSpace(fn: (space: MirrorSpace) => void): () => void {
    return subscribe(this.spaceListeners, fn);
  }

  /** Decodes the bytes of a `sys.sync` push and applies them; bytes that do not decode are a fault. */
  receive(bytes: Uint8Array): void {
    if (!this.decoder) {
      this.fault('no-decoder', 'sync message dropped: this client has no sync decoder', { bytes: bytes.length });
      return;
    }
    let message: SyncMessage;
    try {
      message = this.decoder.decode(bytes);
    } catch (err) {
      this.fault('undecodable', 'sync message dropped: it does not decode', { bytes: bytes.length, err });
      return;
    }
    this.apply(message);
  }

  /** Applies one decoded sync message: a snapshot's reset, then leaves, enters and changes. */
  apply(message: SyncMessage): void {
    if (message.snapshot) {
      for (const entity of [...this.byId.values()]) this.delete(entity);
      if (message.space) {
        const { id, type, tickHz } = message.space;
        this.setSpace({ id, type, tickHz, lobbyId: this.current?.id === id ? this.current.lobbyId : undefined });
      }
    }
    for (const net of message.leave) {
      const entity = this.byNetNumber.get(net);
      if (entity) this.delete(entity);
      else this.fault('leave-unknown', 'sync leave skipped: no entity has this net number', { net, tick: message.tick });
    }
    for (const enter of message.enter) {
      if (this.byNetNumber.has(enter.net)) {
        this.fault('enter-known', 'sync enter skipped: an entity with this net number is in view already', { net: enter.net, id: enter.id, tick: message.tick });
        continue;
      }
      if (this.byId.has(enter.id)) {
        this.fault('enter-duplicate-id', 'sync enter skipped: an entity with this id is in view under another net number', { net: enter.net, id: enter.id, tick: message.tick });
        continue;
      }
      const values: SyncValues = {};
      merge(values, enter.values);
      const entity: MirrorEntity = { id: enter.id, type: enter.type, net: enter.net, values };
      this.byId.set(entity.id, entity);
      this.byNetNumber.set(entity.net, entity);
      this.emit(this.addListeners, 'onAdd', (fn) => fn(entity));
    }
    for (const change of message.change) {
      const entity = this.byNetNumber.get(change.net);
      if (!entity) {
        this.fault('change-unknown', 'sync change skipped: no entity has this net number', { net: change.net, tick: message.tick });
        continue;
      }
      merge(entity.values, change.values);
      this.emit(this.changeListeners, 'onChange', (fn) => fn(entity, change.values));
    }
    this.checkWaiters();
  }

  /** Applies the body of a `sys.space` push, `{ spaceId, type, lobbyId }`; another shape is a fault. */
  applySpace(body: unknown): void {
    const b = body as { spaceId?: unknown; type?: unknown; lobbyId?: unknown } | null | undefined;
    if (typeof b?.spaceId !== 'string' || typeof b.type !== 'string' || typeof b.lobbyId !== 'string') {
      this.fault('bad-space', 'space push skipped: its body is not { spaceId, type, lobbyId }', {});
      return;
    }
    const tickHz = this.current?.id === b.spaceId ? this.current.tickHz : undefined;
    this.setSpace({ id: b.spaceId, type: b.type, lobbyId: b.lobbyId, tickHz });
    this.checkWaiters();
  }

  /**
   * Resolves once `predicate(this)` holds: at once, or after a later message or space push.
   * For tests and scripts, e.g. `await client.world.waitFor((w) => w.entities.size === 3)`.
   * @param signal ends the wait early: it rejects with the signal's `reason`.
   * @throws ClientError CLIENT_ERR_WAIT_TIMEOUT when it does not hold within `timeoutMs` on the
   *   mirror's clock; CLIENT_ERR_INVALID_OPTIONS for a `timeoutMs` that is not a non-negative
   *   finite number. An exception from `predicate` rejects the wait with it.
   */
  waitFor(predicate: (world: WorldMirror) => boolean, timeoutMs = 10_000, signal?: AbortSignal): Promise<void> {
    if (!(typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) && timeoutMs >= 0)) {
      return Promise.reject(new ClientError('CLIENT_ERR_INVALID_OPTIONS', `waitFor: timeoutMs must be a non-negative finite number, got ${String(timeoutMs)}`));
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const aborted = (): void => done(signal!.reason);
      const done = (err?: unknown): void => {
        this.waiters.delete(waiter);
        this.clock.clearTimer(timer);
        signal?.removeEventListener('abort', aborted);
        if (err === undefined) resolve();
        else reject(err);
      };
      const waiter: Waiter = {
        check: () => {
          try {
            if (predicate(this)) done();
          } catch (err) {
            done(err);
          }
        },
      };
      const timer = this.clock.setTimer(() => done(new ClientError('CLIENT_ERR_WAIT_TIMEOUT', `waitFor: the condition did not hold within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.add(waiter);
      signal?.addEventListener('abort', aborted, { once: true });
      waiter.check();
    });
  }

  private setSpace(space: MirrorSpace): void {
    const was = this.current;
    if (was && was.id === space.id && was.type === space.type && was.lobbyId === space.lobbyId && was.tickHz === space.tickHz) return;
    this.current = Object.freeze(space);
    this.emit(this.spaceListeners, 'onSpace', (fn) => fn(space));
  }

  private delete(entity: MirrorEntity): void {
    this.byId.delete(entity.id);
    this.byNetNumber.delete(entity.net);
    this.emit(this.removeListeners, 'onRemove', (fn) => fn(entity));
  }

  private checkWaiters(): void {
    for (const waiter of [...this.waiters]) waiter.check();
  }

  /** Calls every listener; one that throws is logged and the others still run. */
  private emit<F>(listeners: Set<F>, what: string, call: (fn: F) => void): void {
    for (const fn of [...listeners]) {
      try {
        call(fn);
      } catch (err) {
        this.logger.error(`world mirror: an ${what} listener threw`, { err });
      }
    }
  }

  private fault(reason: SyncFault, message: string, meta: Record<string, unknown>): void {
    this.faultCount++;
    this.faultLog.warn(reason, `world mirror: ${message}`, meta);
  }
}

function subscribe<F>(set: Set<F>, fn: F): () => void {
  set.add(fn);
  return () => set.delete(fn);
}

/** Copies `from`'s fields into `into`, component by component (never a `__proto__` key). */
function merge(into: SyncValues, from: SyncValues): void {
  for (const component of Object.keys(from)) {
    if (component === '__proto__') continue;
    const fields = from[component]!;
    // Own keys only: `into.constructor` would otherwise be Object itself.
    let target = Object.hasOwn(into, component) ? into[component] : undefined;
    if (!target) into[component] = target = {};
    for (const field of Object.keys(fields)) {
      if (field !== '__proto__') target[field] = fields[field];
    }
  }
}
