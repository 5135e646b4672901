/**
 * Wire constants of the client<->gate protocol, shared by gate and client. docs/protocol.md is the
 * specification; these values must match it.
 */

/** The protocol version this code speaks. A HANDSHAKE offers a range; the gate picks one. */
export const PROTOCOL_VERSION = 1;

/** Bound into the Noise handshake hash with the HANDSHAKE's clear prefix. */
export const PROLOGUE_LABEL = 'tessera-protocol';

/** Packet types: the first byte of every packet. */
export const PACKET = {
  /** client → gate: version range and Noise message 1. */
  HANDSHAKE: 1,
  /** gate → client: Noise message 2 carrying the server hello. */
  HANDSHAKE_REPLY: 2,
  /** client → gate: first encrypted packet; proves the client holds the keys. */
  HANDSHAKE_ACK: 3,
  /** either way: keeps an idle connection alive. */
  HEARTBEAT: 4,
  /** either way: one or more messages. */
  DATA: 5,
  /** gate → client (or client → gate on leaving): closes with a code and a reason. */
  KICK: 6,
} as const;

/** One of the values of {@link PACKET}. */
export type PacketType = (typeof PACKET)[keyof typeof PACKET];

/** Bytes of a packet header: type (1) and body length (3, big-endian). */
export const PACKET_HEADER_BYTES = 4;

/** The largest body a 3-byte length can declare. */
export const MAX_PACKET_BODY = 0xff_ffff;

/** Message kinds: the low 3 bits of a message's first byte. */
export const MESSAGE_KIND = {
  REQUEST: 0,
  NOTIFY: 1,
  RESPONSE: 2,
  PUSH: 3,
  ERROR: 4,
} as const;

/** One of the values of {@link MESSAGE_KIND}. */
export type MessageKind = (typeof MESSAGE_KIND)[keyof typeof MESSAGE_KIND];

/** Flags in the high bits of a message's first byte. */
export const MESSAGE_FLAG = {
  /** The route is a 2-byte code from the route dictionary instead of a string. */
  ROUTE_CODED: 0x08,
  /** The payload is compressed with the algorithm the server hello named. */
  COMPRESSED: 0x10,
} as const;

/** Bits of a message's first byte that carry the kind. */
export const KIND_MASK = 0x07;

/** Bits no version-1 peer sets; a message with one is malformed. */
export const RESERVED_FLAG_MASK = 0xe0;

/** Longest route name, in UTF-8 bytes. */
export const MAX_ROUTE_BYTES = 255;

/** Routes the gate itself answers; they never reach a lobby. */
export const SYSTEM_ROUTE = {
  /** request [token, resume?] → {uid, sessionId, resumeToken, resumed}. */
  AUTH: 'sys.auth',
  /** push: the session moved to another lobby; the avatar was reloaded from its last save. */
  REBOUND: 'sys.rebound',
  /** push: the player entered a space, `{ spaceId, type, lobbyId }`; a sync snapshot of it follows. */
  SPACE: 'sys.space',
  /**
   * push: what the player sees of its space changed (docs/sync.md). The body is the sync message's
   * own bytes, not msgpack: the SDK hands it to its world mirror.
   */
  SYNC: 'sys.sync',
  /**
   * request [] → the routes the session may call, sorted: the gate forwards it to the session's
   * lobby, which lists its client services and the avatar's client-callable methods, and drops
   * those its route rules block.
   */
  ROUTES: 'sys.routes',
  /**
   * push: the gate is draining; move to another gate, `{ gate: { id, publicKey, tcp?, ws?, kcp? },
   * resumeToken }`. The client lets its requests in flight be answered on this connection, sends
   * no new ones here, connects to `gate` over the same transport and resumes the session with
   * `sys.auth` and `resumeToken` (valid on every gate of the cluster). A client that stays is
   * kicked with GATE_ERR_SHUTTING_DOWN at the gate's deadline.
   */
  MOVE: 'sys.move',
} as const;

/** Limits of a connection; the server hello tells the client the gate's values. */
export interface ProtocolLimits {
  /** Largest packet body, encrypted (default 65,600: a 64 KiB message plus framing and tag). */
  maxPacketBytes: number;
  /** Largest message payload after decompression (default 64 KiB). */
  maxMessageBytes: number;
}

/** Default limits. */
export const DEFAULT_LIMITS: ProtocolLimits = Object.freeze({ maxPacketBytes: 65_600, maxMessageBytes: 65_536 });
