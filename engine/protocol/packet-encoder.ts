/**
 * Builds packet headers; pure functions. A body is written after its header by the caller (the
 * channel encrypts it with the header as associated data, so the header is built first).
 */
import { MAX_PACKET_BODY, PACKET_HEADER_BYTES, type PacketType } from './constants.js';

/**
 * The 4-byte header of a packet of `type` with a body of `length` bytes.
 * @throws RangeError when `length` does not fit in 3 bytes (a programmer error: limits are lower).
 */
export function packetHeader(type: PacketType, length: number): Uint8Array {
  const header = new Uint8Array(PACKET_HEADER_BYTES);
  writePacketHeader(header, type, length);
  return header;
}

/**
 * Writes the 4-byte header of a packet of `type` with a body of `length` bytes at the start of
 * `packet` (the packet is built in place: header reserved, body written, then the header filled).
 * @throws RangeError as {@link packetHeader}.
 */
export function writePacketHeader(packet: Uint8Array, type: PacketType, length: number): void {
  if (!Number.isInteger(length) || length < 0 || length > MAX_PACKET_BODY) throw new RangeError(`packet body of ${length} bytes`);
  packet[0] = type;
  packet[1] = length >>> 16;
  packet[2] = (length >>> 8) & 0xff;
  packet[3] = length & 0xff;
}

/** A whole clear packet: header and body. */
export function encodePacket(type: PacketType, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(PACKET_HEADER_BYTES + body.length);
  writePacketHeader(out, type, body.length);
  out.set(body, PACKET_HEADER_BYTES);
  return out;
}
