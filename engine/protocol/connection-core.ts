/**
 * What the gate's and the client's protocol state machines share: packet splitting, the
 * encrypted channel once open, heartbeats and silence timeouts, and closing with a KICK. Pure:
 * bytes come in through `input`, go out through `output`, and time is passed in.
 */
import { PACKET, type PacketType } from './constants.js';
import { PROTOCOL_ERRORS, ProtocolError } from './errors.js';
import { CLOSED, encodeKick, decodeKick, TRANSPORT_CLOSED, type CloseReason } from './kick.js';
import type { Message } from './message.js';
import { PacketDecoder, type Packet } from './packet-decoder.js';
import { encodePacket } from './packet-encoder.js';
import type { MessageEncoding } from './message-encoder.js';
import { SecureChannel, type ChannelSettings } from './secure-channel.js';

/** Largest packet a gate accepts before the channel is open: a HANDSHAKE is small. */
export const MAX_HANDSHAKE_PACKET = 2048;

/** Largest HANDSHAKE_REPLY a client accepts: it carries the route dictionary. */
export const MAX_HANDSHAKE_REPLY_PACKET = 256 * 1024;

/** What a connection reports to its owner. */
export interface ConnectionEvents<Hello> {
  /** The handshake finished; messages may flow. */
  onOpen(hello: Hello): void;
  /** A message arrived, in order. */
  onMessage(message: Message): void;
  /** The connection closed; called once. The owner closes the transport after the last output. */
  onClose(reason: CloseReason): void;
}

/** Timing of a connection, in ms. */
export interface ConnectionTiming {
  /** Close if the handshake is not done this long after creation. */
  handshakeTimeoutMs: number;
  /** Send a HEARTBEAT after sending nothing for this long. */
  heartbeatMs: number;
  /** Close after hearing nothing for this long. */
  timeoutMs: number;
}

/** Base of the two state machines. */
export abstract class ConnectionCore<Hello> {
  protected readonly decoder: PacketDecoder;
  protected channel: SecureChannel | undefined;
  /** Set once both sides hold the keys and messages may flow. */
  protected established = false;
  private maxPacketBytes = 0;
  private closed = false;
  private lastSent: number;
  private lastReceived: number;
  private readonly createdAt: number;

  constructor(
    protected timing: ConnectionTiming,
    now: number,
    protected readonly output: (bytes: Uint8Array) => void,
    protected readonly events: ConnectionEvents<Hello>,
    handshakePacketBytes: number,
  ) {
    this.decoder = new PacketDecoder(handshakePacketBytes);
    this.createdAt = this.lastSent = this.lastReceived = now;
  }

  /** Whether messages may be sent. */
  get isOpen(): boolean {
    return this.established && !this.closed;
  }

  /** Whether the connection has closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Feeds bytes from the transport. A protocol violation closes the connection with a KICK
   * carrying its code and does not throw; only a fault of this code (or of an event handler) does.
   */
  input(bytes: Uint8Array, now: number): void {
    if (this.closed) return;
    this.lastReceived = now;
    try {
      this.decoder.push(bytes, (packet) => {
        if (!this.closed) this.receive(packet, now);
      });
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      this.kick(err.wireCode, err.code, PROTOCOL_ERRORS[err.code].message, err.detail);
    }
  }

  /**
   * Queues a message; it goes out at the next {@link flush}.
   * @throws Error when the connection is not open (a programmer error).
   * @throws ProtocolError PROTOCOL_ERR_MESSAGE_TOO_LARGE when the message is over the limits.
   */
  send(message: Message): void {
    if (!this.channel || !this.established || this.closed) throw new Error('protocol: send on a connection that is not open');
    this.channel.queue(message);
  }

  /** How the open channel encodes messages; undefined until it is open. */
  get encoding(): MessageEncoding | undefined {
    return this.channel?.encoding;
  }

  /**
   * Queues a message encoded already with this connection's {@link encoding} (encodeMessage);
   * it goes out at the next {@link flush}.
   * @throws Error when the connection is not open (a programmer error).
   * @throws ProtocolError PROTOCOL_ERR_MESSAGE_TOO_LARGE when the message can never fit a packet.
   */
  sendEncoded(bytes: Uint8Array): void {
    if (!this.channel || !this.established || this.closed) throw new Error('protocol: send on a connection that is not open');
    this.channel.queueEncoded(bytes);
  }

  /** Writes the queued messages as one packet. */
  flush(now: number): void {
    if (!this.channel || !this.established || this.closed || this.channel.pendingBytes === 0) return;
    this.channel.flush();
    this.lastSent = now;
  }

  /**
   * Closes with a KICK (encrypted once the channel is open, clear before) and reports the close.
   * Does nothing when already closed.
   * @param message the short text the peer reads in the KICK.
   * @param detail what exactly went wrong, reported in this side's close reason only (for its
   *   log), never sent: it may name limits and offsets (default `message`).
   */
  kick(code: number, name: string, message: string, detail = message): void {
    if (this.closed) return;
    // Closed before the KICK goes out: whatever the output does in turn cannot kick again.
    this.closed = true;
    const body = encodeKick(code, name, message);
    if (this.channel) {
      this.channel.flush();
      this.channel.sendPacket(PACKET.KICK, body);
    } else {
      this.output(encodePacket(PACKET.KICK, body));
    }
    this.finish({ code, name, message: detail, byPeer: false });
  }

  /** Closes normally (a KICK with code 0). */
  close(message = 'closed'): void {
    this.kick(CLOSED.code, CLOSED.name, message);
  }

  /** The transport went away: report the close without sending anything. */
  transportClosed(message: string): void {
    if (!this.closed) this.finish({ code: CLOSED.code, name: TRANSPORT_CLOSED, message, byPeer: true });
  }

  /** Runs timers: handshake timeout, silence timeout, heartbeats. */
  update(now: number): void {
    if (this.closed) return;
    if (!this.channel || !this.established) {
      if (now - this.createdAt >= this.timing.handshakeTimeoutMs) this.fail('PROTOCOL_ERR_HANDSHAKE_TIMEOUT', `${this.timing.handshakeTimeoutMs} ms`);
      return;
    }
    if (now - this.lastReceived >= this.timing.timeoutMs) {
      this.fail('PROTOCOL_ERR_HEARTBEAT_TIMEOUT', `nothing heard for ${now - this.lastReceived} ms`);
      return;
    }
    if (now - this.lastSent >= this.timing.heartbeatMs) {
      this.channel.flush();
      this.channel.sendPacket(PACKET.HEARTBEAT, new Uint8Array(0));
      this.lastSent = now;
    }
  }

  /** When {@link update} next has something to do; `Infinity` once closed. */
  check(): number {
    if (this.closed) return Infinity;
    if (!this.channel || !this.established) return this.createdAt + this.timing.handshakeTimeoutMs;
    return Math.min(this.lastReceived + this.timing.timeoutMs, this.lastSent + this.timing.heartbeatMs);
  }

  /** Handles one packet; subclasses handle the handshake packets. */
  protected abstract receive(packet: Packet, now: number): void;

  /** Handles packets of an open channel: heartbeat, data, kick. */
  protected receiveOpen(packet: Packet, allowed: (message: Message) => boolean): void {
    const channel = this.channel!;
    switch (packet.type) {
      case PACKET.HEARTBEAT:
        if (channel.open(packet).length !== 0) throw new ProtocolError('PROTOCOL_ERR_BAD_MESSAGE', 'HEARTBEAT with a body');
        return;
      case PACKET.DATA:
        channel.receiveData(packet, (message) => {
          if (!allowed(message)) throw new ProtocolError('PROTOCOL_ERR_UNEXPECTED_PACKET', `message kind ${message.kind} from this side`);
          if (!this.closed) this.events.onMessage(message);
        });
        return;
      case PACKET.KICK:
        this.finish({ ...decodeKick(channel.open(packet)), byPeer: true });
        return;
      default:
        throw unexpected(packet.type);
    }
  }

  /**
   * Sets up the encrypted channel once the keys are known: from then on a KICK goes out
   * encrypted. Messages flow once the subclass sets {@link established}.
   */
  protected openChannel(settings: ChannelSettings, now: number): void {
    this.channel = new SecureChannel(settings, this.output);
    this.maxPacketBytes = settings.maxPacketBytes;
    this.lastSent = this.lastReceived = now;
  }

  /** Both sides hold the keys: messages flow, and packets up to the channel's limit are accepted. */
  protected establish(): void {
    this.established = true;
    this.decoder.maxBodyBytes = this.maxPacketBytes;
  }

  /** The peer refused before the channel opened (a clear KICK). */
  protected peerKicked(reason: Omit<CloseReason, 'byPeer'>): void {
    this.finish({ ...reason, byPeer: true });
  }

  protected fail(code: ProtocolError['code'], detail: string): void {
    const error = new ProtocolError(code, detail);
    this.kick(error.wireCode, error.code, PROTOCOL_ERRORS[code].message, error.detail);
  }

  private finish(reason: CloseReason): void {
    this.closed = true;
    this.events.onClose(reason);
  }
}

/** The error for a packet type not allowed in the current state. */
export function unexpected(type: PacketType): ProtocolError {
  return new ProtocolError('PROTOCOL_ERR_UNEXPECTED_PACKET', `packet type ${type}`);
}
