/**
 * One TCP connection between two servers, usable in both directions once the handshake is done.
 * Pipeline: socket bytes → envelope reader (frames, binary header, msgpack with limits, envelope
 * check) → owner; and owner → envelope written straight into the batch writer's chunk → socket. The link owns its socket, its heartbeat and its
 * closing; what the frames mean is the owner's business (rpc-node.ts).
 */
import type { VersionRange } from './rpc-versions.js';
import type { Socket } from 'node:net';
import { CodecError } from '../codec/errors.js';
import type { MsgpackCodec } from '../codec/msgpack-codec.js';
import type { MsgpackWriter } from '../codec/msgpack-writer.js';
import type { Logger } from '../log/types.js';
import type { Clock } from '../timer/clock.js';
import type { TimerService } from '../timer/timer-service.js';
import type { TimerId } from '../timer/types.js';
import { BatchWriter } from './batch-writer.js';
import { KIND, type Envelope } from './envelope.js';
import { isBinaryKind, writeEnvelope, type BinaryEnvelope } from './envelope-codec.js';
import { EnvelopeReader } from './envelope-reader.js';
import { RpcError } from './errors.js';
import type { RefusalLog } from './refusal-log.js';

// After a GOAWAY the socket is ended gracefully; a peer that never closes its side is cut off.
const CLOSE_GRACE_MS = 1_000;

/** Timing and size settings of a link. */
export interface LinkSettings {
  /** Send a PING when nothing was sent for this long. */
  heartbeatIntervalMs: number;
  /**
   * Declare the peer dead when nothing was received for this long. Traffic is timed at each
   * check (every `min(heartbeatIntervalMs, deadAfterMs / 2)`), so a silent peer is found within
   * this bound plus one check.
   */
  deadAfterMs: number;
  /** Longest time from connect to a finished handshake. */
  handshakeTimeoutMs: number;
  /** Cap on bytes waiting to be sent. */
  maxQueuedBytes: number;
}

/** What a link tells its owner. */
export interface LinkOwner {
  /** A well-formed envelope arrived. Must not throw. */
  onEnvelope(link: Link, envelope: Envelope): void;
  /** The link closed; `reason` says why. Called once. */
  onClose(link: Link, reason: RpcError): void;
}

/** Where a link is. */
export type LinkState = 'handshake' | 'open' | 'closed';

/** Services a link needs from its node. */
export interface LinkContext {
  codec: MsgpackCodec;
  /** Encodes the arguments and values of outgoing envelopes, under the codec's limits. */
  writer: MsgpackWriter;
  clock: Clock;
  timers: TimerService;
  logger: Logger;
  /** Where a protocol break is logged: a stranger can open many connections that break it. */
  refusals: RefusalLog;
  settings: LinkSettings;
}

/** One connection to a peer server. */
export class Link {
  /** The peer's server id: the one dialed, or the one a HELLO proved. */
  peerId: string | undefined;
  /** This side's handshake nonce, once sent. */
  localNonce: Uint8Array | undefined;
  /** The other side's handshake nonce, once received. */
  peerNonce: Uint8Array | undefined;
  /** The RPC contract range this side's HELLO offered, when it offered one (dialed links). */
  offered: VersionRange | undefined;
  /** The RPC contract version the link speaks, once the handshake chose it (rpc-versions.ts). */
  contract: number | undefined;
  private current: LinkState = 'handshake';
  private readonly reader: EnvelopeReader;
  private readonly writer: BatchWriter;
  // Traffic is noted with flags and timed at the next heartbeat check: a clock reading per frame
  // would cost more than the heartbeat is worth.
  private lastReceived: number;
  private lastSent: number;
  private receivedSinceCheck = false;
  private sentSinceCheck = false;
  private readonly heartbeat: TimerId;
  private readonly handshakeTimer: TimerId;

  /**
   * @param socket a connected socket; the link takes it over.
   * @param dialed true when this side opened the connection.
   */
  constructor(
    private readonly socket: Socket,
    readonly dialed: boolean,
    private readonly context: LinkContext,
    private readonly owner: LinkOwner,
  ) {
    const { codec, clock, timers, settings } = context;
    this.reader = new EnvelopeReader(codec, () => this.describe());
    this.writer = new BatchWriter(socket, settings.maxQueuedBytes, codec.limits.maxFrameBytes);
    this.lastReceived = this.lastSent = clock.now();
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('error', (err) => this.close(new RpcError('RPC_ERR_LINK_LOST', `${this.describe()}: ${err.message}`, { cause: err })));
    socket.on('close', () => this.close(new RpcError('RPC_ERR_LINK_LOST', `${this.describe()}: connection closed`)));
    const beat = Math.max(1, Math.min(settings.heartbeatIntervalMs, settings.deadAfterMs / 2));
    this.heartbeat = timers.repeat(beat, () => this.checkHeartbeat());
    this.handshakeTimer = timers.once(settings.handshakeTimeoutMs, () => {
      if (this.current === 'handshake') this.close(new RpcError('RPC_ERR_HANDSHAKE', `${this.describe()}: no handshake within ${settings.handshakeTimeoutMs} ms`));
    });
  }

  /** Where the link is. */
  get state(): LinkState {
    return this.current;
  }

  /** Whether the link is closed. */
  get closed(): boolean {
    return this.current === 'closed';
  }

  /** Bytes waiting to be sent. */
  get queuedBytes(): number {
    return this.writer.queuedBytes;
  }

  /** `host:port` of the other end, for logs. */
  get remoteAddress(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }

  /** The other end's IP address, as the socket reports it. */
  get remoteHost(): string {
    return this.socket.remoteAddress ?? '';
  }

  /** Marks the handshake done with `peerId`. */
  open(peerId: string): void {
    this.peerId = peerId;
    if (this.current === 'handshake') this.current = 'open';
    this.reader.open();
    this.context.timers.cancel(this.handshakeTimer);
  }

  /**
   * Encodes and queues one envelope.
   * @throws RpcError `RPC_ERR_LINK_LOST` once closed, `RPC_ERR_OVERLOADED` past the send cap,
   *   `RPC_ERR_ENCODING` for a value msgpack cannot carry.
   */
  send(envelope: Envelope): void {
    if (this.current === 'closed') throw new RpcError('RPC_ERR_LINK_LOST', `${this.describe()}: closed`);
    const out = this.writer.begin();
    try {
      if (isBinaryKind(envelope[0])) {
        writeEnvelope(out, envelope as BinaryEnvelope, this.context.writer);
      } else {
        const bytes = this.context.codec.encodeShared(envelope);
        out.ensure(bytes.length);
        out.buf.set(bytes, out.pos);
        out.pos += bytes.length;
      }
      this.writer.commit();
    } catch (err) {
      this.writer.abort();
      if (err instanceof RpcError) throw err;
      throw new RpcError('RPC_ERR_ENCODING', err instanceof Error ? err.message : String(err), { cause: err });
    }
    this.sentSinceCheck = true;
  }

  /**
   * Queues an envelope that is already encoded.
   * @throws RpcError `RPC_ERR_LINK_LOST` once closed, `RPC_ERR_OVERLOADED` past the send cap.
   */
  sendEncoded(payload: Uint8Array): void {
    if (this.current === 'closed') throw new RpcError('RPC_ERR_LINK_LOST', `${this.describe()}: closed`);
    this.writer.write(payload);
    this.sentSinceCheck = true;
  }

  /**
   * Closes the link once; later calls do nothing. With `goaway`, a GOAWAY frame carrying the
   * reason is sent first and the socket is ended gracefully; otherwise it is destroyed.
   */
  close(reason: RpcError, goaway = false): void {
    if (this.current === 'closed') return;
    if (goaway) {
      try {
        this.send([KIND.GOAWAY, reason.wireCode, reason.message]);
        this.writer.flush();
      } catch {
        // Nothing more can be said on a link that cannot take one frame.
      }
    }
    this.current = 'closed';
    this.reader.stop();
    this.context.timers.cancel(this.heartbeat);
    this.context.timers.cancel(this.handshakeTimer);
    this.writer.close();
    this.socket.off('data', this.onData);
    if (goaway) {
      this.socket.end();
      this.context.timers.once(CLOSE_GRACE_MS, () => {
        this.socket.destroy();
      });
    } else {
      this.socket.destroy();
    }
    this.owner.onClose(this, reason);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.receivedSinceCheck = true;
    try {
      this.reader.push(chunk, this.onEnvelope);
    } catch (err) {
      if (err instanceof CodecError || (err instanceof RpcError && (err.code === 'RPC_ERR_PROTOCOL' || err.code === 'RPC_ERR_HANDSHAKE'))) {
        const reason = err instanceof RpcError ? err : new RpcError('RPC_ERR_PROTOCOL', `${this.describe()}: ${err.message}`, { cause: err });
        this.context.refusals.warn('protocol', 'rpc: closing a link whose peer broke the protocol', { err: reason, remote: this.remoteAddress, peer: this.peerId });
        this.close(reason, true);
        return;
      }
      // A fault of this server, not of the peer: it costs this link, never the process.
      this.context.logger.error('rpc: failed handling a frame; closing the link', { err, remote: this.remoteAddress, peer: this.peerId });
      this.close(new RpcError('RPC_ERR_LINK_LOST', `${this.describe()}: internal error`, { cause: err }));
    }
  };

  private readonly onEnvelope = (envelope: Envelope): void => {
    if (envelope[0] === KIND.PING) return;
    this.owner.onEnvelope(this, envelope);
  };

  private checkHeartbeat(): void {
    const now = this.context.clock.now();
    const { deadAfterMs, heartbeatIntervalMs } = this.context.settings;
    if (this.receivedSinceCheck) this.lastReceived = now;
    if (this.sentSinceCheck) this.lastSent = now;
    this.receivedSinceCheck = this.sentSinceCheck = false;
    if (now - this.lastReceived >= deadAfterMs) {
      this.context.logger.warn('rpc: peer silent past the heartbeat bound; closing the link', { peer: this.peerId, remote: this.remoteAddress, silentMs: now - this.lastReceived });
      this.close(new RpcError('RPC_ERR_LINK_LOST', `${this.describe()}: nothing received for ${now - this.lastReceived} ms`));
      return;
    }
    if (this.current === 'open' && now - this.lastSent >= heartbeatIntervalMs) {
      try {
        this.send([KIND.PING]);
        this.lastSent = now;
        this.sentSinceCheck = false;
      } catch {
        // A full queue already proves the link busy; the receive side decides whether it is dead.
      }
    }
  }

  private describe(): string {
    return `link ${this.dialed ? 'to' : 'from'} ${this.peerId ?? this.remoteAddress}`;
  }
}
