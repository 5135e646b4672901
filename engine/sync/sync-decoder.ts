/**
 * The client's decoder of sync messages (docs/sync.md). It is stateful across one stream: it
 * keeps the schema of the last snapshot and, for each net id in view, its type and the last
 * whole values of its quantised and integer fields, which changes carry as deltas. Runs in
 * browsers: no Node-only APIs.
 *
 * Reading a message: start (version, flags, tick) → snapshot head (space, schema) → leave →
 * enter → change → nothing left. Bad bytes throw a {@link SyncError}; the decoder then forgets
 * the stream and takes only a snapshot next.
 */
import { ByteReader } from './byte-reader.js';
import { SyncError } from './errors.js';
import { dequantize } from './quantize.js';
import type { SyncChange, SyncEnter, SyncMessage, SyncValues } from './sync-message.js';
import { readValue } from './sync-value.js';
import { SYNC_FLAG, SYNC_FLAGS_KNOWN, SYNC_FORBIDDEN_KEYS, SYNC_FORMAT_VERSION, SYNC_KIND, SYNC_KIND_OWNER, type SyncKind } from './sync-wire.js';

/** Options for {@link SyncDecoder}. */
export interface SyncDecoderOptions {
  /** Largest message accepted, in bytes (default 8 MiB). */
  maxMessageBytes?: number;
  /** Most entities in view at once (default 100,000). */
  maxEntities?: number;
}

interface Field {
  component: string;
  field: string;
  kind: SyncKind;
  quantize: number;
  owner: boolean;
}

interface Type {
  name: string;
  fields: Field[];
  maskBytes: number;
}

interface InView {
  type: Type;
  /** Last whole values of quantised and integer fields, by field index. */
  ints: Float64Array;
}

/** Turns a stream of sync messages back into {@link SyncMessage}s. */
export class SyncDecoder {
  private readonly maxMessageBytes: number;
  private readonly maxEntities: number;
  private types: Type[] | undefined;
  private readonly nets = new Map<number, InView>();

  constructor(options: SyncDecoderOptions = {}) {
    this.maxMessageBytes = options.maxMessageBytes ?? 8 * 1_024 * 1_024;
    this.maxEntities = options.maxEntities ?? 100_000;
  }

  /** Entities in view after the last message. */
  get entityCount(): number {
    return this.nets.size;
  }

  /**
   * Decodes the next message of the stream.
   * @throws SyncError (codes in errors.ts) for bytes that are not a valid next message; the
   *   decoder then waits for a snapshot.
   */
  decode(bytes: Uint8Array): SyncMessage {
    try {
      return this.read(bytes);
    } catch (err) {
      this.types = undefined;
      this.nets.clear();
      throw err;
    }
  }

  private read(bytes: Uint8Array): SyncMessage {
    if (bytes.length > this.maxMessageBytes) throw new SyncError('SYNC_ERR_TOO_LARGE', `${bytes.length} bytes, limit ${this.maxMessageBytes}`);
    const r = new ByteReader(bytes);
    const version = r.u8('version');
    if (version !== SYNC_FORMAT_VERSION) throw new SyncError('SYNC_ERR_VERSION', `version ${version}, expected ${SYNC_FORMAT_VERSION}`);
    const flags = r.u8('flags');
    if ((flags & ~SYNC_FLAGS_KNOWN) !== 0) throw new SyncError('SYNC_ERR_BAD_FLAGS', `flags 0x${flags.toString(16).padStart(2, '0')}`);
    const tick = r.varint('tick');
    const snapshot = (flags & SYNC_FLAG.SNAPSHOT) !== 0;
    const message: SyncMessage = { tick, snapshot, enter: [], change: [], leave: [] };
    if (snapshot) {
      const id = r.string('space id');
      const type = r.string('space type');
      const tickHz = r.f64('space tick rate');
      message.space = { id, type, tickHz };
      this.types = readSchema(r);
      this.nets.clear();
    } else if (this.types === undefined) throw new SyncError('SYNC_ERR_NO_SCHEMA', `tick ${tick}`);
    if (flags & SYNC_FLAG.LEAVE) this.readLeaves(r, message.leave);
    if (flags & SYNC_FLAG.ENTER) this.readEnters(r, message.enter);
    if (flags & SYNC_FLAG.CHANGE) this.readChanges(r, message.change);
    if (r.left > 0) throw new SyncError('SYNC_ERR_TRAILING', `${r.left} byte(s) at offset ${r.offset}`);
    return message;
  }

  private readLeaves(r: ByteReader, out: number[]): void {
    const n = r.count('leave count');
    for (let i = 0; i < n; i++) {
      const net = r.varint('leave net id');
      if (!this.nets.delete(net)) throw new SyncError('SYNC_ERR_UNKNOWN_NET', `leave of net ${net}`);
      out.push(net);
    }
  }

  private readEnters(r: ByteReader, out: SyncEnter[]): void {
    const types = this.types!;
    const n = r.count('enter count', 3);
    for (let i = 0; i < n; i++) {
      const net = r.varint('enter net id');
      if (this.nets.has(net)) throw new SyncError('SYNC_ERR_DUPLICATE_NET', `enter of net ${net}`);
      const index = r.varint('enter type');
      const type = types[index];
      if (type === undefined) throw new SyncError('SYNC_ERR_UNKNOWN_TYPE', `type ${index} of net ${net}; the schema has ${types.length}`);
      const id = r.string('enter id');
      if (this.nets.size >= this.maxEntities) throw new SyncError('SYNC_ERR_TOO_MANY_ENTITIES', `limit ${this.maxEntities}`);
      const inView: InView = { type, ints: new Float64Array(type.fields.length) };
      const values = readValues(r, inView, false);
      this.nets.set(net, inView);
      out.push({ net, id, type: type.name, values });
    }
  }

  private readChanges(r: ByteReader, out: SyncChange[]): void {
    const n = r.count('change count', 2);
    for (let i = 0; i < n; i++) {
      const net = r.varint('change net id');
      const inView = this.nets.get(net);
      if (inView === undefined) throw new SyncError('SYNC_ERR_UNKNOWN_NET', `change of net ${net}`);
      out.push({ net, values: readValues(r, inView, true) });
    }
  }
}

// A field mask and the values of its fields; quantised and integer ones are deltas in a change.
function readValues(r: ByteReader, inView: InView, delta: boolean): SyncValues {
  const { fields, maskBytes } = inView.type;
  r.need(maskBytes, 'field mask');
  const maskAt = r.offset;
  r.offset += maskBytes;
  const spare = fields.length & 7;
  if (maskBytes > 0 && spare !== 0 && r.bytes[maskAt + maskBytes - 1]! >> spare !== 0) {
    throw new SyncError('SYNC_ERR_BAD_MASK', `mask at offset ${maskAt} sets a bit past the type's ${fields.length} field(s)`);
  }
  const values: SyncValues = {};
  for (let i = 0; i < fields.length; i++) {
    if ((r.bytes[maskAt + (i >> 3)]! & (1 << (i & 7))) === 0) continue;
    const f = fields[i]!;
    let value: unknown;
    switch (f.kind) {
      case SYNC_KIND.QUANTISED:
      case SYNC_KIND.INT: {
        const n = r.zigzag(f.field) + (delta ? inView.ints[i]! : 0);
        inView.ints[i] = n;
        value = f.kind === SYNC_KIND.QUANTISED ? dequantize(n, f.quantize) : n;
        break;
      }
      case SYNC_KIND.F32:
        value = r.f32(f.field);
        break;
      case SYNC_KIND.F64:
        value = r.f64(f.field);
        break;
      default:
        value = readValue(r, f.field);
    }
    (values[f.component] ??= {})[f.field] = value;
  }
  return values;
}

function readSchema(r: ByteReader): Type[] {
  const bad = (problem: string): never => {
    throw new SyncError('SYNC_ERR_BAD_SCHEMA', `${problem} at offset ${r.offset}`);
  };
  const name = (what: string): string => {
    const text = r.string(what);
    if (text === '' || SYNC_FORBIDDEN_KEYS.has(text)) bad(`${what} ${JSON.stringify(text)} is not allowed`);
    return text;
  };
  const types: Type[] = [];
  const typeCount = r.count('schema type count', 2);
  for (let t = 0; t < typeCount; t++) {
    const typeName = name('type name');
    const fields: Field[] = [];
    const components = new Set<string>();
    const componentCount = r.count('schema component count', 2);
    for (let c = 0; c < componentCount; c++) {
      const component = name('component name');
      if (components.has(component)) bad(`component ${component} appears twice in type ${typeName}`);
      components.add(component);
      const names = new Set<string>();
      const fieldCount = r.count('schema field count', 2);
      for (let f = 0; f < fieldCount; f++) {
        const field = name('field name');
        if (names.has(field)) bad(`field ${component}.${field} appears twice`);
        names.add(field);
        const kindByte = r.u8('field kind');
        const kind = kindByte & ~SYNC_KIND_OWNER;
        if (kind > SYNC_KIND.F64) bad(`field ${component}.${field} has unknown kind ${kind}`);
        let quantize = 0;
        if (kind === SYNC_KIND.QUANTISED) {
          quantize = r.f64('field quantize');
          if (!Number.isFinite(quantize) || quantize <= 0) bad(`field ${component}.${field} has quantize ${quantize}`);
        }
        fields.push({ component, field, kind: kind as SyncKind, quantize, owner: (kindByte & SYNC_KIND_OWNER) !== 0 });
      }
    }
    if (fields.length === 0) bad(`type ${typeName} has no fields`);
    types.push({ name: typeName, fields, maskBytes: Math.ceil(fields.length / 8) });
  }
  return types;
}
