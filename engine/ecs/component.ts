/**
 * The base class of a game's object-style components: behaviour and state that belong to one
 * entity (an inventory, a quest log). Each component class is also a bitecs component, so
 * systems can query "entities with Inventory and Position". Hot per-tick numbers belong in
 * typed-array components that systems read directly.
 */
import type { Entity } from './entity.js';
import { DETACHED, type HotSpec, type HotStore } from './hot-fields.js';
import type { SyncSpec } from './sync-spec.js';

/** A component class: constructible without arguments, with the statics of {@link Component}. */
export type ComponentClass<C extends Component = Component> = (new () => C) &
  Pick<typeof Component, 'requires' | 'persist' | 'clientCallable' | 'serverCallable' | 'hot' | 'sync'>;

/** Options for {@link Component.markDirty}. */
export interface DirtyOptions {
  /** Save at once instead of with the next batch (trades, purchases). */
  critical?: boolean;
}

/** Base class of object-style components. */
export abstract class Component {
  /**
   * Components that must be on the entity before this one: they are created first and cannot be
   * removed while this one is attached.
   */
  static requires: readonly ComponentClass[] = [];

  /**
   * Fields saved with the entity, plain or hot. Assigning one through the instance marks the
   * entity dirty; a change inside a value (pushing to an array), or a system's write to a hot
   * field's typed array, needs {@link Component.markDirty} to be saved before the entity's next
   * save for another reason.
   */
  static persist: readonly string[] = [];

  /**
   * Hot numeric fields kept in typed arrays (`{ x: 'f32', y: 'f32' }`): systems read them with
   * `world.hot(Position).x[eid]`, the instance through accessors of the same names (declare them
   * with `declare x: number`). They may be persisted and synced like plain fields.
   */
  static hot: HotSpec = {};

  /**
   * Fields clients see (docs/sync.md), plain or hot: `{ x: { quantize: 0.01 }, hp: 'public',
   * gold: 'owner' }`. `'public'`: every client that sees the entity; `'owner'`: only the client
   * whose avatar it is; `quantize`: a number sent as a whole multiple of this step.
   */
  static sync: SyncSpec = {};

  /** Methods the owning client may call (checked at registration to be methods). */
  static clientCallable: readonly string[] = [];

  /** Methods other servers may call (checked at registration to be methods). */
  static serverCallable: readonly string[] = [];

  private owner: Entity | undefined;
  /** @internal The world's arrays for this class's hot fields; see hot-fields.ts. */
  hotStore: HotStore | undefined = undefined;
  /** @internal The entity's slot in those arrays; -1 before attach, {@link DETACHED} after. */
  hotEid = -1;

  /**
   * The entity this component is attached to.
   * @throws Error before the component is attached or after it is detached.
   */
  get entity(): Entity {
    if (!this.owner) throw new Error(`${this.constructor.name}: not attached to an entity`);
    return this.owner;
  }

  /** Marks the entity for saving, for changes that assigning a persistent field does not show. */
  markDirty(options?: DirtyOptions): void {
    this.entity.markDirty(options);
  }

  /** Called once attached, after the components it requires. */
  onAttach(): void {}

  /** Called before it is detached, before the components it requires. */
  onDetach(): void {}

  /** @internal A hot field that persists was assigned through the instance: the entity has changes to save. */
  hotChanged(): void {
    // Before attach (loading, a constructor) there is no entity to mark yet.
    this.owner?.markDirty();
  }

  /** @internal Sets or clears the owning entity; only the world calls it. Clearing also cuts the hot slot. */
  bind(owner: Entity | undefined): void {
    this.owner = owner;
    if (!owner) {
      this.hotStore = undefined;
      this.hotEid = DETACHED;
    }
  }
}
