/**
 * Fuzz target: the client packet framing (packet-decoder.ts). A stream of packets, valid or
 * mutated, cut into random chunks, under a random body limit: decoding it chunk by chunk gives
 * the same packets and the same error as decoding it whole; every packet re-encodes to the bytes
 * it came from and keeps to the limit; the only errors are the two coded refusals at the header;
 * what the decoder holds never passes a header and a body.
 */
import fc from 'fast-check';
import { chunked, joinChunks, mutatedBytes } from '../testing/fuzz/byte-arbitraries.js';
import { defineFuzzTarget } from '../testing/fuzz/fuzz-target.js';
import { PACKET, PACKET_HEADER_BYTES, type PacketType } from './constants.js';
import { ProtocolError } from './errors.js';
import { PacketDecoder, type Packet } from './packet-decoder.js';
import { encodePacket } from './packet-encoder.js';

const packet = fc.tuple(fc.constantFrom(...Object.values(PACKET)), fc.uint8Array({ maxLength: 300 })).map(([type, body]) => encodePacket(type as PacketType, body));
const stream = fc.array(packet, { maxLength: 6 }).map(joinChunks);

interface Decoded {
  packets: Packet[];
  error: ProtocolError | undefined;
}

function decode(chunks: readonly Uint8Array[], maxBodyBytes: number): Decoded {
  const decoder = new PacketDecoder(maxBodyBytes);
  const packets: Packet[] = [];
  try {
    for (const chunk of chunks) {
      decoder.push(chunk, (p) => packets.push(p));
      if (decoder.bufferedBytes > PACKET_HEADER_BYTES + maxBodyBytes) throw new Error(`holds ${decoder.bufferedBytes} bytes`);
    }
  } catch (err) {
    if (err instanceof ProtocolError && (err.code === 'PROTOCOL_ERR_BAD_PACKET_TYPE' || err.code === 'PROTOCOL_ERR_FRAME_TOO_LARGE')) return { packets, error: err };
    throw err;
  }
  return { packets, error: undefined };
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

export const packetDecoderTarget = defineFuzzTarget({
  name: 'protocol.packet-decoder',
  description: 'client<->gate packet framing: header checks, bodies across chunks',
  arbitrary: fc.record({ chunks: chunked(mutatedBytes(stream, 64)), maxBodyBytes: fc.nat(400) }),
  check({ chunks, maxBodyBytes }) {
    const split = decode(chunks, maxBodyBytes);
    const whole = decode([joinChunks(chunks)], maxBodyBytes);
    if (split.packets.length !== whole.packets.length || split.error?.code !== whole.error?.code) {
      throw new Error(`split: ${split.packets.length} packets, ${split.error?.code}; whole: ${whole.packets.length} packets, ${whole.error?.code}`);
    }
    const consumed = hex(joinChunks(split.packets.map((p) => encodePacket(p.type, p.body))));
    if (!hex(joinChunks(chunks)).startsWith(consumed)) throw new Error('the packets do not re-encode to the stream they came from');
    split.packets.forEach((p, i) => {
      if (p.body.length > maxBodyBytes) throw new Error(`packet ${i}: body of ${p.body.length} > ${maxBodyBytes}`);
      if (hex(p.header) !== hex(whole.packets[i]!.header) || hex(p.body) !== hex(whole.packets[i]!.body)) throw new Error(`packet ${i} differs when the stream is cut`);
    });
  },
});
