/**
 * The part of a connection both ends share once the handshake is done: packets sealed with the
 * send cipher and opened with the receive cipher (the 4-byte header is the associated data, so a
 * changed type or length fails too), outgoing messages batched into one DATA packet per flush,
 * and the heartbeat clock.
 *
 * Pipeline, outgoing: message → prepare (check, compress, measure) → queue → at flush, one buffer
 *           per packet: header reserved, each message written into it after its length, sealed
 *           in place, length filled → output.
 *         incoming: packet → open → split batch → decode (inflate) → message (payloads are
 *           views of the opened packet).
 */
import { allocBytes } from './bytes.js';
import { PACKET, PACKET_HEADER_BYTES, type PacketType } from './constants.js';
import { DecryptError, type CipherState } from './cipher-state.js';
import { TAG_BYTES } from './crypto-suite.js';
import { ProtocolError } from './errors.js';
import type { Message } from './message.js';
import { decodeBatch } from './message-decoder.js';
import { prepareMessage, writeMessage, type MessageEncoding, type PreparedMessage } from './message-encoder.js';
import { writePacketHeader } from './packet-encoder.js';
import type { Packet } from './packet-decoder.js';
import { varintSize, writeVarint } from './varint.js';

/** Transport keys and message settings of an open channel. */
export interface ChannelSettings {
  send: CipherState;
  recv: CipherState;
  encoding: MessageEncoding;
  /** Largest packet body either side sends. */
  maxPacketBytes: number;
}

/** An open, encrypted channel: seals what goes out, opens what comes in. */
export class SecureChannel {
  /** Messages for the next packet: prepared ones, or bytes encoded already (shared pushes). */
  private readonly queued: (PreparedMessage | Uint8Array)[] = [];
  /** Plaintext bytes of the next packet: the queued messages and their length prefixes. */
  private queuedBytes = 0;

  /** @param output receives each sealed packet, header and body, in a buffer of its own that it may keep. */
  constructor(
    private readonly settings: ChannelSettings,
    private readonly output: (bytes: Uint8Array) => void,
  ) {}

  /** Bytes of messages waiting for {@link flush}. */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /**
   * Queues a message for the next {@link flush}; a batch that would pass the packet limit is
   * flushed first. The payload is not copied until the packet is built: it must not change
   * before then.
   * @throws ProtocolError PROTOCOL_ERR_MESSAGE_TOO_LARGE when the message can never fit.
   */
  queue(message: Message): void {
    const prepared = prepareMessage(message, this.settings.encoding);
    this.add(prepared, prepared.size);
  }

  /** How this channel encodes messages: messages encoded alike may be shared ({@link queueEncoded}). */
  get encoding(): MessageEncoding {
    return this.settings.encoding;
  }

  /**
   * Queues a message encoded already with this channel's {@link encoding} (one push encoded and
   * compressed once for many connections), as {@link queue} does; its bytes are copied once, into
   * the packet.
   * @throws ProtocolError PROTOCOL_ERR_MESSAGE_TOO_LARGE when the message can never fit.
   */
  queueEncoded(bytes: Uint8Array): void {
    this.add(bytes, bytes.length);
  }

  /** Seals the queued messages into one DATA packet and outputs it; nothing when none are queued. */
  flush(): void {
    const { queued } = this;
    if (queued.length === 0) return;
    const end = PACKET_HEADER_BYTES + this.queuedBytes;
    const packet = allocBytes(end + TAG_BYTES);
    let at = PACKET_HEADER_BYTES;
    for (const message of queued) {
      if (message instanceof Uint8Array) {
        at = writeVarint(packet, at, message.length);
        packet.set(message, at);
        at += message.length;
      } else {
        at = writeMessage(packet, writeVarint(packet, at, message.size), message);
      }
    }
    queued.length = 0;
    this.queuedBytes = 0;
    this.seal(PACKET.DATA, packet, end);
  }

  /** Seals and outputs one packet of `type` with `plaintext` as its body. */
  sendPacket(type: PacketType, plaintext: Uint8Array): void {
    const end = PACKET_HEADER_BYTES + plaintext.length;
    const packet = allocBytes(end + TAG_BYTES);
    packet.set(plaintext, PACKET_HEADER_BYTES);
    this.seal(type, packet, end);
  }

  private add(message: PreparedMessage | Uint8Array, size: number): void {
    const batched = varintSize(size) + size;
    const room = this.settings.maxPacketBytes - TAG_BYTES;
    if (batched > room) throw new ProtocolError('PROTOCOL_ERR_MESSAGE_TOO_LARGE', `message of ${batched} bytes does not fit a packet of ${room}`);
    if (this.queuedBytes + batched > room) this.flush();
    this.queued.push(message);
    this.queuedBytes += batched;
  }

  /** Fills the header of `packet` (plaintext up to `end`, room for the tag after it), seals it in place and outputs it. */
  private seal(type: PacketType, packet: Uint8Array, end: number): void {
    writePacketHeader(packet, type, end - PACKET_HEADER_BYTES + TAG_BYTES);
    this.settings.send.encryptInPlace(packet.subarray(0, PACKET_HEADER_BYTES), packet, PACKET_HEADER_BYTES, end);
    this.output(packet);
  }

  /**
   * Opens a received packet.
   * @throws ProtocolError PROTOCOL_ERR_DECRYPT when it does not authenticate.
   */
  open(packet: Packet): Uint8Array {
    try {
      return this.settings.recv.decrypt(packet.header, packet.body);
    } catch (err) {
      if (err instanceof DecryptError) throw new ProtocolError('PROTOCOL_ERR_DECRYPT', err.message);
      throw err;
    }
  }

  /**
   * Opens a DATA packet and calls `onMessage` for each message in it.
   * @throws ProtocolError as {@link open} and message-decoder.ts.
   */
  receiveData(packet: Packet, onMessage: (message: Message) => void): void {
    decodeBatch(this.open(packet), this.settings.encoding, onMessage);
  }
}
