import { describe, expect, it } from 'vitest';
import { CipherState } from './cipher-state.js';
import { ZlibDeflateCompression } from './compression-zlib.js';
import { MESSAGE_KIND, PACKET, PACKET_HEADER_BYTES } from './constants.js';
import { TAG_BYTES } from './crypto-suite.js';
import { ProtocolError } from './errors.js';
import type { Message } from './message.js';
import { decodeBatch } from './message-decoder.js';
import { encodeBatch, encodeMessage, type MessageEncoding } from './message-encoder.js';
import { nodeCryptoSuite } from './node-crypto-suite.js';
import { packetHeader } from './packet-encoder.js';
import { RouteDictionary } from './route-dictionary.js';
import { SecureChannel } from './secure-channel.js';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const cipher = (): CipherState => new CipherState(nodeCryptoSuite.aead(KEY));
const encoding: MessageEncoding = { dictionary: new RouteDictionary(['Chat.say']), compression: new ZlibDeflateCompression(), compressThreshold: 64, maxMessageBytes: 4096 };

function channel(maxPacketBytes = 65_600): { channel: SecureChannel; packets: Uint8Array[] } {
  const packets: Uint8Array[] = [];
  return { channel: new SecureChannel({ send: cipher(), recv: cipher(), encoding, maxPacketBytes }, (p) => packets.push(p)), packets };
}

const messages: Message[] = [
  { kind: MESSAGE_KIND.RESPONSE, id: 300, payload: Uint8Array.of(1, 2, 3) },
  { kind: MESSAGE_KIND.PUSH, route: 'Chat.say', payload: new Uint8Array(200).fill(7) },
  { kind: MESSAGE_KIND.PUSH, route: 'room.joined', payload: Uint8Array.of(0xc0) },
  { kind: MESSAGE_KIND.ERROR, id: 0, payload: Uint8Array.of(0x80) },
];

describe('SecureChannel', () => {
  it('writes a flush as one DATA packet: the header, then the batch of the messages sealed with the header as associated data', () => {
    const { channel: c, packets } = channel();
    const shared = encodeMessage({ kind: MESSAGE_KIND.PUSH, route: 'Chat.say', payload: Uint8Array.of(9) }, encoding);
    for (const m of messages) c.queue(m);
    c.queueEncoded(shared);
    c.flush();
    c.flush();
    expect(packets).toHaveLength(1);
    const batch = encodeBatch([...messages.map((m) => encodeMessage(m, encoding)), shared]);
    const header = packetHeader(PACKET.DATA, batch.length + TAG_BYTES);
    const expected = [...header, ...cipher().encrypt(header, batch)];
    expect(Array.from(packets[0]!)).toEqual(expected);
    const decoded: Message[] = [];
    decodeBatch(cipher().decrypt(header, packets[0]!.subarray(PACKET_HEADER_BYTES)), encoding, (m) => decoded.push(m));
    expect(decoded.map((m) => m.kind)).toEqual([...messages.map((m) => m.kind), MESSAGE_KIND.PUSH]);
    expect(Array.from(decoded[1]!.payload)).toEqual(Array.from(messages[1]!.payload));
  });

  it('flushes the messages queued so far when the next would pass the packet limit', () => {
    const { channel: c, packets } = channel(PACKET_HEADER_BYTES + TAG_BYTES + 60);
    for (let i = 1; i <= 3; i++) c.queue({ kind: MESSAGE_KIND.RESPONSE, id: i, payload: new Uint8Array(20) });
    c.flush();
    expect(packets.map((p) => p.length)).toEqual([PACKET_HEADER_BYTES + 46 + TAG_BYTES, PACKET_HEADER_BYTES + 23 + TAG_BYTES]);
  });

  it('refuses a message that can never fit a packet with PROTOCOL_ERR_MESSAGE_TOO_LARGE, and keeps what was queued', () => {
    const { channel: c, packets } = channel(100);
    c.queue({ kind: MESSAGE_KIND.RESPONSE, id: 1, payload: new Uint8Array(10) });
    expect(() => c.queueEncoded(new Uint8Array(100))).toThrow(ProtocolError);
    c.flush();
    expect(packets).toHaveLength(1);
    expect(c.pendingBytes).toBe(0);
  });

  it('seals a packet of another type around its body', () => {
    const { channel: c, packets } = channel();
    c.sendPacket(PACKET.HEARTBEAT, new Uint8Array(0));
    const header = packetHeader(PACKET.HEARTBEAT, TAG_BYTES);
    expect(Array.from(packets[0]!)).toEqual([...header, ...cipher().encrypt(header, new Uint8Array(0))]);
  });
});
