/**
 * The part of a connection both ends share once the handshake is done: packets sealed with the
 * send cipher and opened with the receive cipher (the 4-byte header is the associated data, so a
 * changed type or length fails too), outgoing messages batched into one DATA packet per flush,
 * and the heartbeat clock.
 *
 * Pipeline, outgoing: message → encode (compress) → batch → seal → output.
 *         incoming: packet → open → split batch → decode (inflate) → message.
 */
import { PACKET, PACKET_HEADER_BYTES, type PacketType } from './constants.js';
import { DecryptError, type CipherState } from './cipher-state.js';
import { TAG_BYTES } from './crypto-suite.js';
import { ProtocolError } from './errors.js';
import type { Message } from './message.js';
import { decodeBatch } from './message-decoder.js';
import { batchedSize, encodeBatch, encodeMessage, type MessageEncoding } from './message-encoder.js';
import { packetHeader } from './packet-encoder.js';
import type { Packet } from './packet-decoder.js';

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
  private queued: Uint8Array[] = [];
  private queuedBytes = 0;

  /** @param output receives each sealed packet, header and body. */
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
   * flushed first.
   * @throws ProtocolError PROTOCOL_ERR_MESSAGE_TOO_LARGE when the message can never fit.
   */
  queue(message: Message): void {
    this.queueEncoded(encodeMessage(message, this.settings.encoding));
  }

  /** How this channel encodes messages: messages encoded alike may be shared ({@link queueEncoded}). */
  get encoding(): MessageEncoding {
    return this.settings.encoding;
  }

  /**
   * Queues a message encoded already with this channel's {@link encoding} (one push encoded and
   * compressed once for many connections), as {@link queue} does.
   * @throws ProtocolError PROTOCOL_ERR_MESSAGE_TOO_LARGE when the message can never fit.
   */
  queueEncoded(bytes: Uint8Array): void {
    const size = batchedSize(bytes);
    const room = this.settings.maxPacketBytes - TAG_BYTES;
    if (size > room) throw new ProtocolError('PROTOCOL_ERR_MESSAGE_TOO_LARGE', `message of ${size} bytes does not fit a packet of ${room}`);
    if (this.queuedBytes + size > room) this.flush();
    this.queued.push(bytes);
    this.queuedBytes += size;
  }

  /** Seals the queued messages into one DATA packet and outputs it; nothing when none are queued. */
  flush(): void {
    if (this.queued.length === 0) return;
    const plaintext = encodeBatch(this.queued);
    this.queued = [];
    this.queuedBytes = 0;
    this.sendPacket(PACKET.DATA, plaintext);
  }

  /** Seals and outputs one packet of `type` with `plaintext` as its body. */
  sendPacket(type: PacketType, plaintext: Uint8Array): void {
    const header = packetHeader(type, plaintext.length + TAG_BYTES);
    const sealed = this.settings.send.encrypt(header, plaintext);
    const out = new Uint8Array(PACKET_HEADER_BYTES + sealed.length);
    out.set(header, 0);
    out.set(sealed, PACKET_HEADER_BYTES);
    this.output(out);
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
