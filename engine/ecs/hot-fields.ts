/**
 * Hot per-entity numbers (position, velocity, hit points) kept in typed arrays indexed by the
 * bitecs entity id, one set of arrays per world and component class, so systems read and write
 * them directly without copying. A component instance reads and writes the same slots through
 * accessors.
 */

/** The element types a hot field may have. */
export const HOT_TYPES = {
  f32: Float32Array,
  f64: Float64Array,
  i8: Int8Array,
  i16: Int16Array,
  i32: Int32Array,
  u8: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
} as const;

/** One of {@link HOT_TYPES}. */
export type HotType = keyof typeof HOT_TYPES;

/** A component's hot field declarations: field name → element type. */
export type HotSpec = Readonly<Record<string, HotType>>;

/** The arrays of one component class in one world, by field name. */
export type HotStore<S extends HotSpec = HotSpec> = { [K in keyof S]: InstanceType<(typeof HOT_TYPES)[S[K]]> };

/** What a component instance carries to reach its hot slots (set by the entity on attach). */
export interface HotSlot {
  hotStore: HotStore | undefined;
  hotEid: number;
  /** Told when a persistent hot field is assigned through the instance. */
  hotChanged(): void;
}

/** The slot of a component taken off its entity: its hot fields are gone with it. */
export const DETACHED = -2;

const installed = new WeakSet<object>();

/**
 * Defines, once per component class, prototype accessors for its hot fields that read and write
 * the instance's slot, so attaching a component allocates no closures. Assigning a persistent one
 * tells the instance ({@link HotSlot.hotChanged}), which marks its entity dirty.
 */
export function installHotAccessors(cls: { name: string; prototype: object; hot: HotSpec; persist: readonly string[] }): void {
  if (installed.has(cls)) return;
  installed.add(cls);
  for (const field of Object.keys(cls.hot)) {
    const persistent = cls.persist.includes(field);
    Object.defineProperty(cls.prototype, field, {
      enumerable: true,
      configurable: false,
      get(this: HotSlot) {
        if (!this.hotStore) throw new Error(`${cls.name}.${field}: the component is not attached to an entity`);
        return this.hotStore[field]![this.hotEid];
      },
      set(this: HotSlot, v: number) {
        if (this.hotStore) {
          this.hotStore[field]![this.hotEid] = v;
          if (persistent) this.hotChanged();
        }
        // Before attach (a constructor setting a start value) the value waits on the instance.
        else if (this.hotEid !== DETACHED) Object.defineProperty(this, field, { value: v, writable: true, configurable: true, enumerable: true });
        else throw new Error(`${cls.name}.${field}: the component is not attached to an entity`);
      },
    });
  }
}

/** Hot stores of one world, grown together as entity ids grow. */
export class HotStores {
  private readonly stores = new Map<object, { spec: HotSpec; arrays: Record<string, InstanceType<(typeof HOT_TYPES)[HotType]>> }>();
  private capacity: number;

  /** @param initialCapacity entity slots allocated per field at first (default 1,024). */
  constructor(initialCapacity = 1_024) {
    this.capacity = initialCapacity;
  }

  /** The arrays of `owner` (a component class), created on first use. */
  get<S extends HotSpec>(owner: object, spec: S): HotStore<S> {
    let entry = this.stores.get(owner);
    if (!entry) {
      const arrays: Record<string, InstanceType<(typeof HOT_TYPES)[HotType]>> = {};
      for (const [field, type] of Object.entries(spec)) arrays[field] = new HOT_TYPES[type](this.capacity);
      entry = { spec, arrays };
      this.stores.set(owner, entry);
    }
    return entry.arrays as HotStore<S>;
  }

  /**
   * Makes room for entity id `eid` in every store, doubling the capacity as needed. Arrays are
   * replaced when they grow, so systems fetch them each step rather than keeping them.
   */
  ensure(eid: number): void {
    if (eid < this.capacity) return;
    let next = this.capacity;
    while (next <= eid) next *= 2;
    for (const entry of this.stores.values()) {
      for (const [field, type] of Object.entries(entry.spec)) {
        const grown = new HOT_TYPES[type](next);
        grown.set(entry.arrays[field]!);
        entry.arrays[field] = grown;
      }
    }
    this.capacity = next;
  }
}
