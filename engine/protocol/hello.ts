/**
 * The payloads the handshake carries inside Noise: the client hello (encrypted in HANDSHAKE) and
 * the server hello (encrypted in HANDSHAKE_REPLY). Both are msgpack maps; unknown keys are
 * ignored so that later versions can add fields, missing or mistyped known keys are refused.
 */
import { MsgpackCodec } from '../codec/msgpack-codec.js';
import { ProtocolError } from './errors.js';

/** What the client says about itself. */
export interface ClientHello {
  /** Compression algorithms the client can decode, best first. */
  compression: string[];
  /** The client library and version, for logs (e.g. `tessera-client/0.1.0`). */
  sdk: string;
}

/** What the gate tells the client: everything needed to talk to it. */
export interface ServerHello {
  /** The protocol version chosen from the client's range. */
  version: number;
  /** How payloads are serialized: `msgpack`. */
  serializer: string;
  /** The gate's server id. */
  gateId: string;
  /** Send a HEARTBEAT when nothing was sent for this long (ms). */
  heartbeatMs: number;
  /** The gate closes a connection it heard nothing from for this long (ms). */
  timeoutMs: number;
  /** Largest packet body the gate accepts. */
  maxPacketBytes: number;
  /** Largest message payload the gate accepts, after decompression. */
  maxMessageBytes: number;
  /** The compression both sides use, or the empty string for none. */
  compression: string;
  /** Payloads this large or larger are compressed when it makes them smaller. */
  compressThreshold: number;
  /** The route dictionary: route `i` travels as code `i`. */
  routes: string[];
}

// The hello payloads are small; a hostile one is refused at the header that declares too much.
const codec = new MsgpackCodec({ maxFrameBytes: 256 * 1024, maxDepth: 4, maxStringBytes: 1024, maxArrayLength: 65_536, maxMapLength: 64, maxBinaryBytes: 0 });

/** The bytes of a client hello. */
export function encodeClientHello(hello: ClientHello): Uint8Array {
  return codec.encode(hello);
}

/** The bytes of a server hello. */
export function encodeServerHello(hello: ServerHello): Uint8Array {
  return codec.encode(hello);
}

/**
 * Reads a client hello.
 * @throws ProtocolError PROTOCOL_ERR_HANDSHAKE when it is not one.
 */
export function decodeClientHello(bytes: Uint8Array): ClientHello {
  const map = decodeMap(bytes, 'client hello');
  return { compression: stringArray(map, 'compression'), sdk: field(map, 'sdk', 'string') };
}

/**
 * Reads a server hello.
 * @throws ProtocolError PROTOCOL_ERR_HANDSHAKE when it is not one.
 */
export function decodeServerHello(bytes: Uint8Array): ServerHello {
  const map = decodeMap(bytes, 'server hello');
  const hello: ServerHello = {
    version: field(map, 'version', 'number'),
    serializer: field(map, 'serializer', 'string'),
    gateId: field(map, 'gateId', 'string'),
    heartbeatMs: field(map, 'heartbeatMs', 'number'),
    timeoutMs: field(map, 'timeoutMs', 'number'),
    maxPacketBytes: field(map, 'maxPacketBytes', 'number'),
    maxMessageBytes: field(map, 'maxMessageBytes', 'number'),
    compression: field(map, 'compression', 'string'),
    compressThreshold: field(map, 'compressThreshold', 'number'),
    routes: stringArray(map, 'routes'),
  };
  for (const key of ['heartbeatMs', 'timeoutMs', 'maxPacketBytes', 'maxMessageBytes', 'compressThreshold'] as const) {
    if (!Number.isInteger(hello[key]) || hello[key] < 0) throw handshake(`server hello: ${key} is ${hello[key]}`);
  }
  return hello;
}

function decodeMap(bytes: Uint8Array, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = codec.decode(bytes);
  } catch (err) {
    throw handshake(`${what}: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) throw handshake(`${what} is not a map`);
  return value as Record<string, unknown>;
}

function field<T extends 'string' | 'number'>(map: Record<string, unknown>, key: string, type: T): T extends 'string' ? string : number {
  const value = map[key];
  if (typeof value !== type) throw handshake(`${key} is not a ${type}`);
  return value as T extends 'string' ? string : number;
}

function stringArray(map: Record<string, unknown>, key: string): string[] {
  const value = map[key];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw handshake(`${key} is not a list of strings`);
  return value as string[];
}

function handshake(detail: string): ProtocolError {
  return new ProtocolError('PROTOCOL_ERR_HANDSHAKE', detail);
}
