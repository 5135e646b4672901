/**
 * The gate's side of one client connection, as a pure state machine.
 *
 * States: HANDSHAKE (waiting for the client's HANDSHAKE) → ACK (reply sent, waiting for the
 * HANDSHAKE_ACK that proves the client holds the keys) → OPEN → CLOSED.
 * Clients may send REQUEST and NOTIFY messages; the gate sends RESPONSE, PUSH and ERROR.
 */
import { MESSAGE_KIND, PACKET, PROTOCOL_VERSION, type ProtocolLimits } from './constants.js';
import type { Compression } from './compression.js';
import { ConnectionCore, MAX_HANDSHAKE_PACKET, unexpected, type ConnectionEvents, type ConnectionTiming } from './connection-core.js';
import { ProtocolError } from './errors.js';
import { decodeHandshakePrefix, HANDSHAKE_PREFIX_BYTES, prologueOf } from './handshake-prefix.js';
import { decodeClientHello, encodeServerHello, type ClientHello, type ServerHello } from './hello.js';
import type { Message } from './message.js';
import { HandshakeError, respond } from './noise-nk.js';
import type { Packet } from './packet-decoder.js';
import { encodePacket } from './packet-encoder.js';
import type { RouteDictionary } from './route-dictionary.js';
import type { CryptoSuite, X25519KeyPair } from './crypto-suite.js';

/** Settings of a gate's connections. */
export interface GateProtocolSettings {
  /** The gate's static identity key; clients know its public half in advance. */
  identity: X25519KeyPair;
  /** The primitives (node-crypto-suite.ts on a gate). */
  crypto: CryptoSuite;
  gateId: string;
  timing: ConnectionTiming;
  limits: ProtocolLimits;
  /** Compression the gate offers; used when the client can decode it. */
  compression: Compression | undefined;
  compressThreshold: number;
  dictionary: RouteDictionary;
}

const fromClient = (message: Message): boolean => message.kind === MESSAGE_KIND.REQUEST || message.kind === MESSAGE_KIND.NOTIFY;

/** One client connection, gate side. */
export class GateProtocol extends ConnectionCore<ClientHello> {
  private state: 'handshake' | 'ack' | 'open' = 'handshake';
  private clientHello: ClientHello | undefined;

  constructor(
    private readonly settings: GateProtocolSettings,
    now: number,
    output: (bytes: Uint8Array) => void,
    events: ConnectionEvents<ClientHello>,
  ) {
    super(settings.timing, now, output, events, MAX_HANDSHAKE_PACKET);
  }

  protected receive(packet: Packet, now: number): void {
    switch (this.state) {
      case 'handshake':
        if (packet.type !== PACKET.HANDSHAKE) throw unexpected(packet.type);
        this.answerHandshake(packet.body, now);
        this.state = 'ack';
        return;
      case 'ack': {
        if (packet.type !== PACKET.HANDSHAKE_ACK) throw unexpected(packet.type);
        if (this.channel!.open(packet).length !== 0) throw new ProtocolError('PROTOCOL_ERR_HANDSHAKE', 'HANDSHAKE_ACK with a body');
        this.state = 'open';
        this.establish();
        const hello = this.clientHello!;
        this.clientHello = undefined;
        this.events.onOpen(hello);
        return;
      }
      case 'open':
        this.receiveOpen(packet, fromClient);
    }
  }

  private answerHandshake(body: Uint8Array, now: number): void {
    const { minVersion, maxVersion } = decodeHandshakePrefix(body);
    if (PROTOCOL_VERSION < minVersion || PROTOCOL_VERSION > maxVersion) {
      throw new ProtocolError('PROTOCOL_ERR_VERSION', `client speaks ${minVersion}..${maxVersion}, gate speaks ${PROTOCOL_VERSION}`);
    }
    const { settings } = this;
    const compression = settings.compression;
    let chosen: Compression | undefined;
    try {
      const reply = respond(settings.crypto, settings.identity, prologueOf(body.subarray(0, HANDSHAKE_PREFIX_BYTES)), body.subarray(HANDSHAKE_PREFIX_BYTES), (payload) => {
        this.clientHello = decodeClientHello(payload);
        chosen = compression && this.clientHello.compression.includes(compression.name) ? compression : undefined;
        const hello: ServerHello = {
          version: PROTOCOL_VERSION,
          serializer: 'msgpack',
          gateId: settings.gateId,
          heartbeatMs: settings.timing.heartbeatMs,
          timeoutMs: settings.timing.timeoutMs,
          maxPacketBytes: settings.limits.maxPacketBytes,
          maxMessageBytes: settings.limits.maxMessageBytes,
          compression: chosen?.name ?? '',
          compressThreshold: settings.compressThreshold,
          routes: [...settings.dictionary.routes],
        };
        return encodeServerHello(hello);
      });
      this.output(encodePacket(PACKET.HANDSHAKE_REPLY, reply.message));
      // The client holds the keys from here on: a refusal before its ACK must be encrypted too.
      this.openChannel({
        send: reply.keys.send,
        recv: reply.keys.recv,
        maxPacketBytes: settings.limits.maxPacketBytes,
        encoding: { dictionary: settings.dictionary, compression: chosen, compressThreshold: settings.compressThreshold, maxMessageBytes: settings.limits.maxMessageBytes },
      }, now);
    } catch (err) {
      if (err instanceof HandshakeError) throw new ProtocolError('PROTOCOL_ERR_HANDSHAKE', err.message);
      throw err;
    }
  }
}
