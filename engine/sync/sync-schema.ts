/**
 * What a space syncs: for each registered entity type with synced fields, the ordered list of
 * those fields (component, field, kind, quantisation, owner-only). A field's place in its type's
 * list is its bit in a record's field mask. Built once from the entity registry; the schema
 * section a snapshot carries is encoded once here.
 */
import type { ComponentClass } from '../ecs/component.js';
import type { EntityRegistry } from '../ecs/entity-registry.js';
import { syncFields } from '../ecs/sync-spec.js';
import { ByteWriter } from './byte-writer.js';
import { SYNC_KIND, SYNC_KIND_OWNER, type SyncKind } from './sync-wire.js';

/** One synced field of an entity type. */
export interface SyncEntry {
  component: ComponentClass;
  /** The component's index in {@link SyncType.components}. */
  componentIndex: number;
  field: string;
  kind: SyncKind;
  /** The step of a quantised field. */
  quantize: number | undefined;
  /** Sent only to the client whose avatar the entity is. */
  owner: boolean;
  /** Kept in the world's typed arrays. */
  hot: boolean;
}

/** One entity type's synced fields. */
export interface SyncType {
  /** The type's number on the wire. */
  index: number;
  /** The registered type name. */
  name: string;
  /** The components with synced fields, in the type's component order. */
  components: ComponentClass[];
  /** The fields, components in order, each component's fields in declaration order. */
  entries: SyncEntry[];
  /** Bytes of a field mask: one bit per entry, low bit first. */
  maskBytes: number;
  /** The mask of the public entries. */
  publicMask: Uint8Array;
  /** Indexes in {@link components} of those with plain synced fields: their instances are read (hot fields are read from the world's arrays). */
  plainComponents: number[];
}

function kindOf(cls: ComponentClass, field: string, quantize: number | undefined): SyncKind {
  if (quantize !== undefined) return SYNC_KIND.QUANTISED;
  const hot = cls.hot[field];
  if (hot === undefined) return SYNC_KIND.VALUE;
  return hot === 'f32' ? SYNC_KIND.F32 : hot === 'f64' ? SYNC_KIND.F64 : SYNC_KIND.INT;
}

/** The synced fields of every type of a registry, and the schema section that describes them. */
export class SyncSchema {
  /** Types with at least one synced field, by wire number. */
  readonly types: readonly SyncType[];
  /** The schema section of a snapshot (docs/sync.md, "Schema"). */
  readonly bytes: Uint8Array;
  private readonly byName = new Map<string, SyncType>();

  /**
   * @param registry the entity types; those without synced fields are never synced.
   * @throws Error when two synced components of one type have the same class name (clients key
   *   values by it).
   */
  constructor(registry: EntityRegistry) {
    const types: SyncType[] = [];
    for (const { name, order } of registry.entries()) {
      const components: ComponentClass[] = [];
      const entries: SyncEntry[] = [];
      for (const cls of order) {
        const fields = syncFields(cls.name, cls.sync);
        if (fields.length === 0) continue;
        if (components.some((c) => c.name === cls.name)) throw new Error(`SyncSchema: ${name} has two synced components named ${cls.name}`);
        const componentIndex = components.push(cls) - 1;
        for (const { field, to, quantize } of fields) {
          entries.push({ component: cls, componentIndex, field, kind: kindOf(cls, field, quantize), quantize, owner: to === 'owner', hot: Object.hasOwn(cls.hot, field) });
        }
      }
      if (entries.length === 0) continue;
      const maskBytes = Math.ceil(entries.length / 8);
      const publicMask = new Uint8Array(maskBytes);
      entries.forEach((e, i) => {
        if (!e.owner) publicMask[i >> 3]! |= 1 << (i & 7);
      });
      const plainComponents = [...new Set(entries.filter((e) => !e.hot).map((e) => e.componentIndex))];
      const type: SyncType = { index: types.length, name, components, entries, maskBytes, publicMask, plainComponents };
      types.push(type);
      this.byName.set(name, type);
    }
    this.types = types;
    this.bytes = encodeSchema(types);
  }

  /** The synced type registered as `name`, or undefined when it syncs nothing. */
  typeOf(name: string): SyncType | undefined {
    return this.byName.get(name);
  }
}

// varint types; per type: name, varint components; per component: name, varint fields; per
// field: name, kind byte (0x80: owner-only), and a float64 step for a quantised one.
function encodeSchema(types: readonly SyncType[]): Uint8Array {
  const w = new ByteWriter(256);
  w.varint(types.length);
  for (const type of types) {
    w.string(type.name);
    w.varint(type.components.length);
    type.components.forEach((cls, ci) => {
      const entries = type.entries.filter((e) => e.componentIndex === ci);
      w.string(cls.name);
      w.varint(entries.length);
      for (const e of entries) {
        w.string(e.field);
        w.u8(e.kind | (e.owner ? SYNC_KIND_OWNER : 0));
        if (e.kind === SYNC_KIND.QUANTISED) w.f64(e.quantize!);
      }
    });
  }
  return w.toBytes();
}
