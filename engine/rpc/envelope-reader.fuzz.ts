/**
 * Fuzz target: the receiving half of an RPC link (frames, binary headers, msgpack with limits,
 * envelope check, phase) and the handshake proofs, fed the byte stream a peer or a stranger could
 * send: envelopes of every kind in their wire form (binary for calls, notifications, results and
 * errors; msgpack for the rest), well-formed, with one element swapped for any other value, or with
 * bytes of a binary header flipped, cut short or extended; every kind in msgpack form too,
 * handshakes of other versions, proofs right and wrong, msgpack of anything, random bytes, frames
 * declaring more than they hold, all cut into chunks at random points. A HELLO or WELCOME opens the link, as a proved
 * one does, so both phases are reached.
 *
 * What must hold: the reader throws nothing but a CodecError or an RpcError `RPC_ERR_PROTOCOL` or
 * `RPC_ERR_HANDSHAKE`; every envelope it delivers has exactly the shape its kind promises (ids
 * whole and not negative, a finite call budget, strings where strings belong, nonces and proofs
 * of their size); a proof check never throws and holds only for the proof made with the secret.
 */
import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { CodecError } from '../codec/errors.js';
import { writeFrameHeader } from '../codec/frame-decoder.js';
import { MsgpackCodec } from '../codec/msgpack-codec.js';
import { MsgpackWriter } from '../codec/msgpack-writer.js';
import { defineFuzzTarget } from '../testing/fuzz/fuzz-target.js';
import { KIND, NONCE_BYTES, PROOF_BYTES, RPC_PROTOCOL_VERSION, type Envelope } from './envelope.js';
import { EnvelopeReader } from './envelope-reader.js';
import { encodeEnvelope, isBinaryKind, type BinaryEnvelope } from './envelope-codec.js';
import { RpcError } from './errors.js';
import { handshakeProof, proofHolds, type HandshakeTranscript } from './handshake-proof.js';

const SECRET = new Uint8Array(32).fill(7);
const ACCEPTOR_NONCE = new Uint8Array(NONCE_BYTES).fill(1);
const ACCEPTOR_ID = 'lobby-1';

/** The stream to feed, as the chunks it arrives in, on a link still in its handshake or open already. */
export interface RpcStream {
  open: boolean;
  chunks: Uint8Array[];
}

const id = fc.oneof(fc.nat({ max: 1_000 }), fc.nat());
const text = fc.oneof(fc.constantFrom('lobby-1', 'gate-1', 'Inventory', 'add', ''), fc.string({ maxLength: 12 }));
const optText = fc.option(text, { nil: null });
// A call's budget: what callers send, or any double at all (the binary form sends it as whole ms).
const budget = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -5, max: 60_000 }) }, { weight: 1, arbitrary: fc.double() });
const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });

// A HELLO from a dialer that holds the secret (or, now and then, one whose proof is off by a bit).
const hello = fc.tuple(text, bytes(NONCE_BYTES), fc.boolean()).map(([dialerId, dialerNonce, honest]) => {
  const transcript: HandshakeTranscript = { dialerId, acceptorId: ACCEPTOR_ID, acceptorNonce: ACCEPTOR_NONCE, dialerNonce };
  const proof = handshakeProof(SECRET, 'hello', transcript);
  if (!honest) proof[0]! ^= 1;
  return [KIND.HELLO, RPC_PROTOCOL_VERSION, dialerId, ACCEPTOR_ID, dialerNonce, proof];
});

const envelope: fc.Arbitrary<unknown[]> = fc.oneof(
  fc.tuple(fc.constant(KIND.CHALLENGE), fc.constant(RPC_PROTOCOL_VERSION), bytes(NONCE_BYTES)),
  hello,
  fc.tuple(fc.constant(KIND.WELCOME), fc.constant(RPC_PROTOCOL_VERSION), text, bytes(PROOF_BYTES)),
  fc.tuple(fc.constant(KIND.GOAWAY), id, text),
  fc.tuple(fc.constant(KIND.CALL), id, budget, optText, optText, text, text, fc.array(fc.jsonValue(), { maxLength: 3 })),
  fc.tuple(fc.constant(KIND.NOTIFY), optText, optText, text, text, fc.array(fc.jsonValue(), { maxLength: 3 })),
  fc.tuple(fc.constant(KIND.RESULT), id, fc.jsonValue()),
  fc.tuple(fc.constant(KIND.ERROR), id, id, text, text),
  fc.constant<unknown[]>([KIND.PING]),
);

// msgpack frames are encoded by the plain msgpack library, which refuses nothing that our codec
// refuses (`__proto__` keys, depth): that is for the reader to do. Binary frames are written by
// the envelope codec with generous limits, so that the reader's own limits are still tried.
const generous = new MsgpackWriter({ maxFrameBytes: 1 << 30, maxDepth: 1_000, maxStringBytes: 1 << 30, maxBinaryBytes: 1 << 30, maxArrayLength: 1 << 30, maxMapLength: 1 << 30 });

/** An envelope in the form its kind travels in, or in msgpack form for a malformed or mutated one. */
function wire(e: unknown[]): Uint8Array {
  if (!isBinaryKind(e[0] as number)) return encode(e);
  try {
    return encodeEnvelope(e as BinaryEnvelope, generous);
  } catch {
    return encode(e); // a shape the binary form cannot hold
  }
}

// A binary envelope's bytes with damage: a byte flipped, the frame cut short, or bytes added.
const damaged = fc.tuple(envelope.filter((e) => isBinaryKind(e[0] as number)), fc.nat(), fc.nat({ max: 255 }), fc.constantFrom('flip', 'cut', 'grow')).map(([e, at, byte, how]) => {
  const bytes = Uint8Array.from(wire(e));
  const i = at % bytes.length;
  if (how === 'flip') bytes[i] = byte;
  else if (how === 'cut') return bytes.subarray(0, i);
  else return Uint8Array.from([...bytes.subarray(0, i), byte, ...bytes.subarray(i)]);
  return bytes;
});

// Any value msgpack carries, the awkward numbers and binaries of every size included.
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, -1, 0.5, NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 63), 1e300, '', RPC_PROTOCOL_VERSION + 1),
  fc.double(),
  fc.integer(),
  text,
  fc.uint8Array({ maxLength: 40 }),
  fc.jsonValue({ maxDepth: 3 }),
);

// One element swapped for another value, one added, or one dropped.
const mutated = fc.tuple(envelope, fc.nat(), anyValue, fc.constantFrom('swap', 'add', 'drop')).map(([e, at, value, how]) => {
  const out = [...e];
  const i = at % (out.length + (how === 'add' ? 1 : 0));
  if (how === 'swap') out[i] = value;
  else if (how === 'add') out.splice(i, 0, value);
  else out.splice(i, 1);
  return out;
});

function framed(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  writeFrameHeader(out, 0, payload.length);
  out.set(payload, 4);
  return out;
}

const frame: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 5, arbitrary: envelope.map((e) => framed(wire(e))) },
  { weight: 4, arbitrary: mutated.map((e) => framed(wire(e))) },
  { weight: 3, arbitrary: damaged.map(framed) },
  { weight: 1, arbitrary: envelope.map((e) => framed(encode(e))) },
  { weight: 1, arbitrary: anyValue.map((v) => framed(encode(v))) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 60 }).map(framed) },
  // A header that declares more than follows, or more than any cap.
  { weight: 1, arbitrary: fc.tuple(fc.nat({ max: 0xffff_ffff }), fc.uint8Array({ maxLength: 20 })).map(([length, rest]) => {
    const out = new Uint8Array(4 + rest.length);
    writeFrameHeader(out, 0, length);
    out.set(rest, 4);
    return out;
  }) },
);

// The frames back to back, cut into chunks at random points.
const stream: fc.Arbitrary<RpcStream> = fc.tuple(fc.boolean(), fc.array(frame, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 6 })).map(([open, frames, cuts]) => {
  const all = Buffer.concat(frames);
  const points = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const point of [...points, all.length]) {
    chunks.push(all.subarray(from, point));
    from = point;
  }
  return { open, chunks };
});

const isId = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
const isStr = (v: unknown): boolean => typeof v === 'string';
const isOptStr = (v: unknown): boolean => v === null || typeof v === 'string';
const isBytes = (v: unknown, length: number): boolean => v instanceof Uint8Array && v.length === length;
const isContract = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 1;

/** Whether an envelope has exactly the shape its kind promises, by an account independent of envelope.ts. */
function wellShaped(e: Envelope): boolean {
  const v = e as unknown[];
  switch (e[0]) {
    case KIND.CHALLENGE:
      return v.length === 3 && v[1] === RPC_PROTOCOL_VERSION && isBytes(v[2], NONCE_BYTES);
    case KIND.HELLO:
      return (v.length === 6 || (v.length === 8 && isContract(v[6]) && isContract(v[7]) && (v[6] as number) <= (v[7] as number))) && v[1] === RPC_PROTOCOL_VERSION && isStr(v[2]) && isStr(v[3]) && isBytes(v[4], NONCE_BYTES) && isBytes(v[5], PROOF_BYTES);
    case KIND.WELCOME:
      return (v.length === 4 || (v.length === 5 && isContract(v[4]))) && v[1] === RPC_PROTOCOL_VERSION && isStr(v[2]) && isBytes(v[3], PROOF_BYTES);
    case KIND.GOAWAY:
      return v.length === 3 && isId(v[1]) && isStr(v[2]);
    case KIND.CALL:
      return v.length === 8 && isId(v[1]) && Number.isFinite(v[2]) && isOptStr(v[3]) && isOptStr(v[4]) && isStr(v[5]) && isStr(v[6]) && Array.isArray(v[7]);
    case KIND.NOTIFY:
      return v.length === 6 && isOptStr(v[1]) && isOptStr(v[2]) && isStr(v[3]) && isStr(v[4]) && Array.isArray(v[5]);
    case KIND.RESULT:
      return v.length === 3 && isId(v[1]);
    case KIND.ERROR:
      return v.length === 5 && isId(v[1]) && isId(v[2]) && isStr(v[3]) && isStr(v[4]);
    case KIND.PING:
      return v.length === 1;
    default:
      return false;
  }
}

function checkHello([, , dialerId, acceptorId, dialerNonce, proof]: Extract<Envelope, { 0: typeof KIND.HELLO }>): void {
  const transcript: HandshakeTranscript = { dialerId, acceptorId, acceptorNonce: ACCEPTOR_NONCE, dialerNonce };
  const holds = proofHolds(SECRET, 'hello', transcript, proof);
  const expected = Buffer.from(handshakeProof(SECRET, 'hello', transcript)).equals(proof);
  if (holds !== expected) throw new Error(`proofHolds said ${holds} for a proof that ${expected ? 'is' : 'is not'} the secret's`);
  if (proofHolds(SECRET, 'welcome', transcript, proof)) throw new Error("a HELLO's proof holds as a WELCOME's");
}

/** Fuzz target for {@link EnvelopeReader} and the handshake proofs. */
export const fuzzTarget = defineFuzzTarget<RpcStream>({
  name: 'rpc.envelope-reader',
  description: 'an RPC link byte stream: frames, msgpack, envelopes of every kind, handshake proofs',
  arbitrary: stream,
  check({ open, chunks }) {
    const reader = new EnvelopeReader(new MsgpackCodec(), () => 'link under fuzzing');
    if (open) reader.open();
    try {
      for (const chunk of chunks) {
        reader.push(chunk, (e) => {
          if (!wellShaped(e)) throw new Error(`delivered a malformed envelope: ${String(e[0])} of ${e.length} elements`);
          if (e[0] === KIND.HELLO) checkHello(e);
          if (e[0] === KIND.HELLO || e[0] === KIND.WELCOME) reader.open();
        });
      }
    } catch (err) {
      if (err instanceof CodecError) return;
      if (err instanceof RpcError && (err.code === 'RPC_ERR_PROTOCOL' || err.code === 'RPC_ERR_HANDSHAKE')) return;
      throw err;
    }
  },
});
