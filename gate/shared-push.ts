/**
 * One push to many connections of a gate (a lobby's `push` lists many sessions): the message —
 * its route, and its body compressed when the connection's compression and the body's size call
 * for it — is encoded once per distinct encoding, not once per connection. A gate's connections
 * share its route dictionary, threshold and limit, so there are two at most: those that
 * negotiated compression and those that did not. Each connection still seals the bytes in its
 * own packet with its own keys.
 */
import { MESSAGE_KIND } from '../engine/protocol/constants.js';
import { encodeMessage, type MessageEncoding } from '../engine/protocol/message-encoder.js';

/** A push's message, encoded on first use for each encoding. */
export class SharedPush {
  private readonly encoded: { encoding: MessageEncoding; bytes: Uint8Array }[] = [];

  /**
   * @param route the push's route.
   * @param body its payload (msgpack bytes from the lobby, sent as they are).
   */
  constructor(
    private readonly route: string,
    private readonly body: Uint8Array,
  ) {}

  /** How many times the message was encoded (compressed, where it was) so far. */
  get encodings(): number {
    return this.encoded.length;
  }

  /**
   * The message's bytes for a connection that encodes with `encoding`.
   * @throws ProtocolError PROTOCOL_ERR_MESSAGE_TOO_LARGE when the body is over the connection's limit.
   */
  bytesFor(encoding: MessageEncoding): Uint8Array {
    for (const done of this.encoded) if (sameEncoding(done.encoding, encoding)) return done.bytes;
    const bytes = encodeMessage({ kind: MESSAGE_KIND.PUSH, route: this.route, payload: this.body }, encoding);
    this.encoded.push({ encoding, bytes });
    return bytes;
  }
}

function sameEncoding(a: MessageEncoding, b: MessageEncoding): boolean {
  return a === b || (a.dictionary === b.dictionary && a.compression === b.compression && a.compressThreshold === b.compressThreshold && a.maxMessageBytes === b.maxMessageBytes);
}
