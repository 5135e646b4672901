/**
 * The encoder of sync messages (docs/sync.md): pure functions that write records and message
 * headers into a {@link ByteWriter}. The sync stage (space-sync.ts) writes each entity's records
 * once per step and copies them into every message that needs them.
 */
import type { ByteWriter } from './byte-writer.js';
import { EncodedValue, type EntityShadow, type ShadowDiff } from './sync-shadow.js';
import { writeValue } from './sync-value.js';
import { SYNC_FLAG, SYNC_FORMAT_VERSION, SYNC_KIND } from './sync-wire.js';

/** What a snapshot says of its space. */
export interface SyncSpaceInfo {
  id: string;
  type: string;
  tickHz: number;
}

/** The bytes a snapshot carries after its tick: the space, then the schema section. */
export function encodeSnapshotHead(w: ByteWriter, space: SyncSpaceInfo, schema: Uint8Array): void {
  w.string(space.id);
  w.string(space.type);
  w.f64(space.tickHz);
  w.raw(schema);
}

/**
 * Writes a message's fixed start: version, flags, tick. Sections follow, each a varint count and
 * its records, in the order leave, enter, change, present when its flag is set.
 */
export function writeMessageStart(w: ByteWriter, tick: number, flags: number): void {
  w.u8(SYNC_FORMAT_VERSION);
  w.u8(flags);
  w.varint(tick);
}

/** The flags of a message with these sections. */
export function messageFlags(snapshot: boolean, leaves: number, enters: number, changes: number): number {
  return (snapshot ? SYNC_FLAG.SNAPSHOT : 0) | (leaves > 0 ? SYNC_FLAG.LEAVE : 0) | (enters > 0 ? SYNC_FLAG.ENTER : 0) | (changes > 0 ? SYNC_FLAG.CHANGE : 0);
}

/**
 * An enter record: net id, type number, global id, then the fields of `include` (the public
 * mask, or every field for the owner) with their values; quantised and integer fields whole.
 */
export function writeEnter(w: ByteWriter, net: number, id: string, shadow: EntityShadow, include: Uint8Array | undefined): void {
  const { type } = shadow;
  w.varint(net);
  w.varint(type.index);
  w.string(id);
  writeMaskAndValues(w, shadow, include, undefined, undefined);
}

/**
 * A change record: net id, then the changed fields within `include` (undefined: all) and their
 * values; quantised and integer fields as deltas from the last values sent.
 * @returns false, writing nothing, when no field within `include` changed.
 */
export function writeChange(w: ByteWriter, net: number, shadow: EntityShadow, diff: ShadowDiff, include: Uint8Array | undefined): boolean {
  const { mask } = diff;
  let any = false;
  for (let b = 0; b < mask.length; b++) if ((include === undefined ? mask[b]! : mask[b]! & include[b]!) !== 0) any = true;
  if (!any) return false;
  w.varint(net);
  writeMaskAndValues(w, shadow, include, mask, diff.deltas);
  return true;
}

function writeMaskAndValues(w: ByteWriter, shadow: EntityShadow, include: Uint8Array | undefined, changed: Uint8Array | undefined, deltas: Float64Array | undefined): void {
  const { entries, maskBytes } = shadow.type;
  w.ensure(maskBytes);
  const maskAt = w.length;
  for (let b = 0; b < maskBytes; b++) {
    const all = include === undefined ? 0xff : include[b]!;
    w.bytes[w.length++] = changed === undefined ? all : changed[b]! & all;
  }
  for (let i = 0; i < entries.length; i++) {
    if ((w.bytes[maskAt + (i >> 3)]! & (1 << (i & 7))) === 0) continue;
    const kind = entries[i]!.kind;
    if (kind === SYNC_KIND.QUANTISED || kind === SYNC_KIND.INT) w.zigzag(deltas === undefined ? shadow.num(i) : deltas[i]!);
    else if (kind === SYNC_KIND.F32) w.f32(shadow.num(i));
    else if (kind === SYNC_KIND.F64) w.f64(shadow.num(i));
    else {
      const v = shadow.plain[i];
      if (v instanceof EncodedValue) w.raw(v.bytes);
      else writeValue(w, v);
    }
  }
  // Bits past the last entry stay clear, as the decoder requires.
  const spare = entries.length & 7;
  if (spare !== 0) w.bytes[maskAt + maskBytes - 1]! &= (1 << spare) - 1;
}
