/**
 * The receiving half of a link's protocol, with no socket: bytes → frame decoder → binary header
 * read by hand, arguments or value as msgpack with limits (or, for handshake, GOAWAY and PING
 * frames, msgpack with limits and a shape check) → the envelopes the link's phase allows. Until the handshake is done
 * frames are capped small and only handshake envelopes (and GOAWAY) may come; after it, frames up
 * to the codec's limit and no handshake envelope. Anything else breaks the protocol and throws;
 * the stream cannot be read on after that.
 */
import { FrameDecoder } from '../codec/frame-decoder.js';
import type { MsgpackCodec } from '../codec/msgpack-codec.js';
import { foreignVersion, KIND, parseEnvelope, RPC_PROTOCOL_VERSION, type Envelope } from './envelope.js';
import { isBinaryKind, readEnvelope } from './envelope-codec.js';
import { RpcError } from './errors.js';

// Until the handshake is done only CHALLENGE, HELLO, WELCOME and GOAWAY may come, all tiny: a stranger
// gets no large buffer out of this server before it has said who it is.
const HANDSHAKE_MAX_FRAME_BYTES = 1024;

/** Reads the envelopes of one link's byte stream. */
export class EnvelopeReader {
  private readonly frames: FrameDecoder;
  private opened = false;
  private stopped = false;

  /**
   * @param codec decodes each frame, within its limits.
   * @param describe names the link in error details.
   */
  constructor(
    private readonly codec: MsgpackCodec,
    private readonly describe: () => string,
  ) {
    this.frames = new FrameDecoder(Math.min(HANDSHAKE_MAX_FRAME_BYTES, codec.limits.maxFrameBytes));
  }

  /** The handshake is done: frames up to the codec's limit, and no more handshake envelopes. */
  open(): void {
    this.opened = true;
    this.frames.maxFrameBytes = this.codec.limits.maxFrameBytes;
  }

  /** The link closed: frames still in the chunk being read, or in later ones, are ignored. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Feeds one chunk of the stream and calls `onEnvelope` for each envelope it completes, in order
   * (`onEnvelope` may call {@link open} or {@link stop}; the frames after it are read accordingly).
   * @throws CodecError for a frame past the cap or msgpack (a whole frame, or a call's arguments
   *   or a result's value) that is not within the limits;
   *   RpcError `RPC_ERR_HANDSHAKE` for a handshake envelope of another protocol version,
   *   `RPC_ERR_PROTOCOL` for a malformed envelope or one the link's phase does not allow.
   */
  push(chunk: Uint8Array, onEnvelope: (envelope: Envelope) => void): void {
    if (this.stopped) return;
    this.frames.push(chunk, (frame) => {
      if (this.stopped) return;
      onEnvelope(this.read(frame));
    });
  }

  private read(frame: Uint8Array): Envelope {
    if (frame.length > 0 && isBinaryKind(frame[0]!)) {
      // Before the handshake, nothing of a call is read, its arguments least of all.
      if (!this.opened) throw new RpcError('RPC_ERR_PROTOCOL', `${this.describe()}: envelope kind ${frame[0]} while handshake`);
      const envelope = readEnvelope(frame, this.codec);
      if (typeof envelope === 'string') throw new RpcError('RPC_ERR_PROTOCOL', `${this.describe()}: ${envelope}`);
      return envelope;
    }
    const value = this.codec.decode(frame);
    const envelope = parseEnvelope(value);
    if (typeof envelope === 'string') {
      const version = foreignVersion(value);
      if (version !== undefined) throw new RpcError('RPC_ERR_HANDSHAKE', `${this.describe()}: protocol version ${version}, this server speaks ${RPC_PROTOCOL_VERSION}`);
      throw new RpcError('RPC_ERR_PROTOCOL', `${this.describe()}: ${envelope}`);
    }
    const handshaking = envelope[0] === KIND.CHALLENGE || envelope[0] === KIND.HELLO || envelope[0] === KIND.WELCOME;
    if (envelope[0] !== KIND.GOAWAY && handshaking === this.opened) {
      throw new RpcError('RPC_ERR_PROTOCOL', `${this.describe()}: envelope kind ${envelope[0]} while ${this.opened ? 'open' : 'handshake'}`);
    }
    return envelope;
  }
}
