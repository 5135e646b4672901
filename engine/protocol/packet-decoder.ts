/**
 * Splits a byte stream into packets: a 4-byte header (type, then body length as 3 bytes
 * big-endian) and the body. Correct for any split of the stream. The type and the declared length
 * are checked as soon as the header is in, before any body byte is kept; a body that spans chunks
 * is kept as the pieces that arrived, so memory follows what the peer sent, never what it
 * declared. An incomplete packet is not an error: it waits for more bytes.
 *
 * States: HEADER (collecting 4 bytes) → BODY (collecting `length` bytes) → HEADER.
 */
import { concatBytes } from './bytes.js';
import { PACKET, PACKET_HEADER_BYTES, type PacketType } from './constants.js';
import { ProtocolError } from './errors.js';

const KNOWN = new Set<number>(Object.values(PACKET));

/** One packet: its type, its 4 header bytes (authenticated data for the cipher) and its body. */
export interface Packet {
  type: PacketType;
  header: Uint8Array;
  body: Uint8Array;
}

/** Incremental decoder for one connection's incoming packets. */
export class PacketDecoder {
  private readonly header = new Uint8Array(PACKET_HEADER_BYTES);
  private headerFill = 0;
  private bodyLength = -1;
  private parts: Uint8Array[] = [];
  private bodyFill = 0;

  /** @param maxBodyBytes largest body accepted; may be lowered or raised between chunks. */
  constructor(public maxBodyBytes: number) {}

  /** Bytes held for an unfinished packet. */
  get bufferedBytes(): number {
    return this.headerFill + this.bodyFill;
  }

  /**
   * Feeds one chunk and calls `onPacket` for each packet it completes, in order. `onPacket` may
   * throw; the decoder is then unusable, which is fine: the connection closes.
   * @throws ProtocolError PROTOCOL_ERR_BAD_PACKET_TYPE or PROTOCOL_ERR_FRAME_TOO_LARGE at the header.
   */
  push(chunk: Uint8Array, onPacket: (packet: Packet) => void): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.bodyLength < 0) {
        const take = Math.min(PACKET_HEADER_BYTES - this.headerFill, chunk.length - pos);
        this.header.set(chunk.subarray(pos, pos + take), this.headerFill);
        this.headerFill += take;
        pos += take;
        if (this.headerFill < PACKET_HEADER_BYTES) return;
        this.bodyLength = this.checkHeader();
      }
      const take = Math.min(this.bodyLength - this.bodyFill, chunk.length - pos);
      if (take > 0) this.parts.push(chunk.subarray(pos, pos + take));
      this.bodyFill += take;
      pos += take;
      if (this.bodyFill < this.bodyLength) return;
      const packet: Packet = { type: this.header[0] as PacketType, header: this.header.slice(), body: this.parts.length === 1 ? this.parts[0]! : concatBytes(...this.parts) };
      this.headerFill = 0;
      this.bodyLength = -1;
      this.parts = [];
      this.bodyFill = 0;
      onPacket(packet);
    }
  }

  private checkHeader(): number {
    const type = this.header[0]!;
    if (!KNOWN.has(type)) throw new ProtocolError('PROTOCOL_ERR_BAD_PACKET_TYPE', `type ${type}`);
    const length = (this.header[1]! << 16) | (this.header[2]! << 8) | this.header[3]!;
    if (length > this.maxBodyBytes) {
      throw new ProtocolError('PROTOCOL_ERR_FRAME_TOO_LARGE', `header declares ${length} bytes > ${this.maxBodyBytes}`);
    }
    return length;
  }
}
