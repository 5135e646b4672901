/**
 * The client's side of one gate connection, as a pure state machine.
 *
 * States: START → HANDSHAKE (HANDSHAKE sent, waiting for the reply) → OPEN (HANDSHAKE_ACK sent)
 * → CLOSED. The gate may send RESPONSE, PUSH and ERROR; the client sends REQUEST and NOTIFY.
 */
import { concatBytes } from './bytes.js';
import type { Compression } from './compression.js';
import type { CryptoSuite } from './crypto-suite.js';
import { MESSAGE_KIND, PACKET, PROTOCOL_VERSION } from './constants.js';
import { ConnectionCore, MAX_HANDSHAKE_REPLY_PACKET, unexpected, type ConnectionEvents } from './connection-core.js';
import { ProtocolError } from './errors.js';
import { encodeHandshakePrefix, prologueOf } from './handshake-prefix.js';
import { decodeServerHello, encodeClientHello, type ServerHello } from './hello.js';
import { decodeKick } from './kick.js';
import type { Message } from './message.js';
import { HandshakeError, readMessage2, writeMessage1, type InitiatorState } from './noise-nk.js';
import type { Packet } from './packet-decoder.js';
import { encodePacket } from './packet-encoder.js';
import { RouteDictionary } from './route-dictionary.js';

/** Settings of a client connection. */
export interface ClientProtocolSettings {
  /** The gate's static public key, from the login service. */
  gateKey: Uint8Array;
  /** The primitives: node-crypto-suite.ts in Node, noble-crypto-suite.ts in browsers. */
  crypto: CryptoSuite;
  /** Compressions the client can decode, by name. */
  compressions: readonly Compression[];
  /** The client library and version, for the gate's logs. */
  sdk: string;
  /** Close if the handshake takes longer than this (ms). */
  handshakeTimeoutMs: number;
  /** The version range offered (default: this code's version only). */
  versions?: { min: number; max: number };
}

const fromGate = (message: Message): boolean =>
  message.kind === MESSAGE_KIND.RESPONSE || message.kind === MESSAGE_KIND.PUSH || message.kind === MESSAGE_KIND.ERROR;

/** One gate connection, client side. Call {@link start} once the transport is up. */
export class ClientProtocol extends ConnectionCore<ServerHello> {
  private state: 'start' | 'handshake' | 'open' = 'start';
  private initiator: InitiatorState | undefined;

  constructor(
    private readonly settings: ClientProtocolSettings,
    now: number,
    output: (bytes: Uint8Array) => void,
    events: ConnectionEvents<ServerHello>,
  ) {
    // Heartbeat timing is the gate's: it arrives in the server hello.
    super({ handshakeTimeoutMs: settings.handshakeTimeoutMs, heartbeatMs: Infinity, timeoutMs: Infinity }, now, output, events, MAX_HANDSHAKE_REPLY_PACKET);
  }

  /** Sends the HANDSHAKE. */
  start(): void {
    if (this.state !== 'start') throw new Error('protocol: start called twice');
    const { min, max } = this.settings.versions ?? { min: PROTOCOL_VERSION, max: PROTOCOL_VERSION };
    const prefix = encodeHandshakePrefix(min, max);
    const hello = encodeClientHello({ compression: this.settings.compressions.map((c) => c.name), sdk: this.settings.sdk });
    const { message, state } = writeMessage1(this.settings.crypto, this.settings.gateKey, prologueOf(prefix), hello);
    this.initiator = state;
    this.state = 'handshake';
    this.output(encodePacket(PACKET.HANDSHAKE, concatBytes(prefix, message)));
  }

  protected receive(packet: Packet, now: number): void {
    if (this.state === 'open') {
      this.receiveOpen(packet, fromGate);
      return;
    }
    if (this.state === 'handshake' && packet.type === PACKET.KICK) {
      // Before the keys exist the gate can only refuse in clear (a version it does not speak).
      this.peerKicked(decodeKick(packet.body));
      return;
    }
    if (this.state !== 'handshake' || packet.type !== PACKET.HANDSHAKE_REPLY) throw unexpected(packet.type);
    let reply;
    try {
      reply = readMessage2(this.initiator!, packet.body);
    } catch (err) {
      if (err instanceof HandshakeError) throw new ProtocolError('PROTOCOL_ERR_HANDSHAKE', err.message);
      throw err;
    }
    this.initiator = undefined;
    const hello = decodeServerHello(reply.payload);
    const { min, max } = this.settings.versions ?? { min: PROTOCOL_VERSION, max: PROTOCOL_VERSION };
    if (hello.version < min || hello.version > max || hello.version !== PROTOCOL_VERSION) {
      throw new ProtocolError('PROTOCOL_ERR_VERSION', `gate chose version ${hello.version}, client offered ${min}..${max}`);
    }
    if (hello.serializer !== 'msgpack') throw new ProtocolError('PROTOCOL_ERR_HANDSHAKE', `gate chose serializer ${hello.serializer}`);
    const compression = hello.compression === '' ? undefined : this.settings.compressions.find((c) => c.name === hello.compression);
    if (hello.compression !== '' && !compression) throw new ProtocolError('PROTOCOL_ERR_HANDSHAKE', `gate chose compression ${hello.compression}`);
    let dictionary: RouteDictionary;
    try {
      dictionary = new RouteDictionary(hello.routes);
    } catch (err) {
      throw new ProtocolError('PROTOCOL_ERR_HANDSHAKE', (err as Error).message);
    }
    this.timing = { handshakeTimeoutMs: this.settings.handshakeTimeoutMs, heartbeatMs: hello.heartbeatMs, timeoutMs: hello.timeoutMs };
    this.openChannel(
      {
        send: reply.keys.send,
        recv: reply.keys.recv,
        maxPacketBytes: hello.maxPacketBytes,
        encoding: { dictionary, compression, compressThreshold: hello.compressThreshold, maxMessageBytes: hello.maxMessageBytes },
      },
      now,
    );
    this.channel!.sendPacket(PACKET.HANDSHAKE_ACK, new Uint8Array(0));
    this.state = 'open';
    this.establish();
    this.events.onOpen(hello);
  }
}
