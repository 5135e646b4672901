/**
 * The last synced values of one entity, as clients have them: numbers in a typed array
 * (quantised fields as whole steps), plain values as they are or, for objects, as their encoded
 * bytes. Comparing the entity's fields with its shadow after each step finds what changed,
 * whether game code assigned a field or a system wrote a typed array.
 */
import type { Component } from '../ecs/component.js';
import { ByteWriter } from './byte-writer.js';
import { quantize } from './quantize.js';
import type { SyncType } from './sync-schema.js';
import { writeValue } from './sync-value.js';
import { SYNC_KIND } from './sync-wire.js';

/** An object value as it was last sent: its encoded bytes (tag included). */
export class EncodedValue {
  constructor(readonly bytes: Uint8Array) {}
}

/** What {@link EntityShadow.update} found: the fields that changed and, for integer kinds, by how much. */
export interface ShadowDiff {
  /** One bit per entry of the type, low bit first. */
  mask: Uint8Array;
  /** For a changed quantised or integer entry: new − old. */
  deltas: Float64Array;
  /** Whether any bit of `mask` is set. */
  any: boolean;
}

/** Scratch for {@link EntityShadow.update}, one per sync stage and type. */
export function createDiff(type: SyncType): ShadowDiff {
  return { mask: new Uint8Array(type.maskBytes), deltas: new Float64Array(type.entries.length), any: false };
}

type Part = Component & Record<string, unknown>;

/** A hot field's typed array in the world, by entry index (undefined for plain fields). */
export type HotColumns = readonly (ArrayLike<number> | undefined)[];

/**
 * The numbers of every shadow of one sync stage in one array, a fixed stride per entity, so that
 * comparing the world with its shadows walks memory in order.
 */
export class ShadowPool {
  data: Float64Array;

  /** @param stride numbers per entity: the most synced fields of any type. */
  constructor(readonly stride: number) {
    this.data = new Float64Array(stride * 1_024);
  }

  /** Makes room for the entity at `index`. */
  ensure(index: number): void {
    const need = (index + 1) * this.stride;
    if (need <= this.data.length) return;
    const grown = new Float64Array(Math.max(need, this.data.length * 2));
    grown.set(this.data);
    this.data = grown;
  }
}

/** One entity's last synced values. */
export class EntityShadow {
  /** Where its numbers start in the pool: whole steps, integers or floats, by entry. */
  readonly base: number;
  /** Plain values by entry: a primitive, or an {@link EncodedValue}. */
  readonly plain: unknown[];

  /**
   * @param pool where its numbers live.
   * @param index its slot in the pool, zeroed here (slots are reused).
   */
  constructor(
    readonly type: SyncType,
    readonly pool: ShadowPool,
    index: number,
  ) {
    pool.ensure(index);
    this.base = index * pool.stride;
    pool.data.fill(0, this.base, this.base + pool.stride);
    this.plain = new Array<unknown>(type.entries.length).fill(null);
  }

  /** The number of entry `i`. */
  num(i: number): number {
    return this.pool.data[this.base + i]!;
  }

  /**
   * Compares the entity's current values with the shadow, takes the new ones in and records in
   * `diff` what changed. Hot fields are read from the world's arrays at the entity's slot, plain
   * ones from `parts`, the entity's components by {@link SyncType.components} index; fields of a
   * missing component keep their last values.
   * @param columns the world's arrays of the type's hot fields this step.
   * @param eid the entity's bitecs id, its slot in those arrays.
   * @param scratch a writer for encoding object values.
   */
  update(parts: readonly (Component | undefined)[], columns: HotColumns, eid: number, diff: ShadowDiff, scratch: ByteWriter): void {
    const { entries } = this.type;
    const { mask, deltas } = diff;
    const nums = this.pool.data;
    const base = this.base;
    mask.fill(0);
    diff.any = false;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const column = columns[i];
      let value: unknown;
      if (column !== undefined) value = column[eid];
      else {
        const part = parts[e.componentIndex] as Part | undefined;
        if (part === undefined) continue;
        value = part[e.field];
      }
      let changed = false;
      switch (e.kind) {
        case SYNC_KIND.QUANTISED:
        case SYNC_KIND.INT: {
          const n = e.kind === SYNC_KIND.QUANTISED ? quantize(value, e.quantize!) : (value as number);
          const old = nums[base + i]!;
          if (n !== old) {
            deltas[i] = n - old;
            nums[base + i] = n;
            changed = true;
          }
          break;
        }
        case SYNC_KIND.F32:
        case SYNC_KIND.F64: {
          const v = value as number;
          const old = nums[base + i]!;
          if (v !== old && !(v !== v && old !== old)) {
            nums[base + i] = v;
            changed = true;
          }
          break;
        }
        default:
          changed = this.updatePlain(i, value, scratch);
      }
      if (changed) {
        mask[i >> 3]! |= 1 << (i & 7);
        diff.any = true;
      }
    }
  }

  private updatePlain(i: number, value: unknown, scratch: ByteWriter): boolean {
    const old = this.plain[i];
    if (typeof value !== 'object' || value === null) {
      // undefined goes as null: compare in the form it is sent.
      const v = value === undefined || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint' ? null : value;
      if (Object.is(v, old)) return false;
      this.plain[i] = v;
      return true;
    }
    scratch.reset();
    writeValue(scratch, value);
    if (old instanceof EncodedValue && sameBytes(old.bytes, scratch.bytes, scratch.length)) return false;
    this.plain[i] = new EncodedValue(scratch.toBytes());
    return true;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array, bLength: number): boolean {
  if (a.length !== bLength) return false;
  for (let i = 0; i < bLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
