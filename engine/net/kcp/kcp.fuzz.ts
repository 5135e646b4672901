/**
 * Fuzz target: a KCP endpoint's `input`, fed datagrams of segments a peer could send (valid ones
 * of this conversation with wild counters, windows, fragment numbers and lengths, mutated and
 * truncated ones, random bytes) between sends of its own and advances of its clock.
 *
 * What must hold: `input` never throws; every datagram it outputs is at most one MTU of well-formed
 * segments of its own conversation; no delivered message is larger than a receive window of the
 * largest segments the datagrams carried; the counters of what it holds stay in range.
 */
import fc from 'fast-check';
import { defineFuzzTarget } from '../../testing/fuzz/fuzz-target.js';
import { Kcp } from './kcp.js';
import { KCP_CMD, KCP_HEADER_BYTES, readSegmentHeader, writeSegmentHeader, type SegmentHeader } from './segment.js';

const CONV = 0x01020304;
const MTU = 200;
const RECEIVE_WINDOW = 16;

/** One step of a run. */
export type KcpStep =
  | { kind: 'datagram'; bytes: Uint8Array }
  | { kind: 'send'; length: number }
  | { kind: 'advance'; ms: number };

// Counters a peer could send: near zero, near the 32-bit wrap, or anything.
const counter = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0xffff_ffe0, max: 0xffff_ffff }), fc.nat({ max: 0xffff_ffff }));

const segment = fc
  .record({
    conv: fc.oneof({ weight: 8, arbitrary: fc.constant(CONV) }, { weight: 1, arbitrary: fc.nat({ max: 0xffff_ffff }) }),
    cmd: fc.oneof({ weight: 8, arbitrary: fc.constantFrom<number>(...Object.values(KCP_CMD)) }, { weight: 1, arbitrary: fc.nat({ max: 255 }) }),
    frg: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.nat({ max: 255 })),
    wnd: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.nat({ max: 0xffff })),
    ts: counter,
    sn: counter,
    una: counter,
    payload: fc.uint8Array({ maxLength: 300 }),
    // A declared length that lies about the payload, now and then.
    lie: fc.option(fc.nat({ max: 0xffff_ffff }), { freq: 8 }),
  })
  .map(({ payload, lie, ...fields }) => {
    const bytes = new Uint8Array(KCP_HEADER_BYTES + payload.length);
    writeSegmentHeader(new DataView(bytes.buffer), 0, { ...fields, len: lie ?? payload.length });
    bytes.set(payload, KCP_HEADER_BYTES);
    return bytes;
  });

const datagram = fc.oneof(
  { weight: 6, arbitrary: fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => Buffer.concat(parts)) },
  { weight: 2, arbitrary: fc.tuple(segment, fc.nat()).map(([bytes, cut]) => bytes.subarray(0, cut % (bytes.length + 1))) },
  { weight: 2, arbitrary: fc.tuple(segment, fc.nat(), fc.nat({ max: 255 })).map(([bytes, at, value]) => flip(bytes, at, value)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }) },
);

function flip(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const out = bytes.slice();
  if (out.length > 0) out[at % out.length] = value;
  return out;
}

const step: fc.Arbitrary<KcpStep> = fc.oneof(
  { weight: 6, arbitrary: datagram.map((bytes) => ({ kind: 'datagram' as const, bytes })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2_000 }).map((length) => ({ kind: 'send' as const, length })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 20_000 }).map((ms) => ({ kind: 'advance' as const, ms })) },
);

function checkOutput(out: Uint8Array): void {
  if (out.length > MTU) throw new Error(`output datagram of ${out.length} bytes > MTU ${MTU}`);
  const view = new DataView(out.buffer, out.byteOffset, out.length);
  const h: SegmentHeader = { conv: 0, cmd: 0, frg: 0, wnd: 0, ts: 0, sn: 0, una: 0, len: 0 };
  let at = 0;
  while (at < out.length) {
    if (out.length - at < KCP_HEADER_BYTES) throw new Error(`output datagram ends in ${out.length - at} stray bytes`);
    readSegmentHeader(view, at, h);
    if (h.conv !== CONV) throw new Error(`output segment of conv ${h.conv}`);
    if (h.cmd < KCP_CMD.PUSH || h.cmd > KCP_CMD.WINDOW_TELL) throw new Error(`output segment of command ${h.cmd}`);
    at += KCP_HEADER_BYTES + h.len;
    if (at > out.length) throw new Error('output segment longer than its datagram');
  }
}

/** Fuzz target for {@link Kcp.input}. */
export const fuzzTarget = defineFuzzTarget<KcpStep[]>({
  name: 'net.kcp-input',
  description: 'KCP segments into a KCP endpoint (input, recv, flush), between sends and clock advances',
  arbitrary: fc.array(step, { maxLength: 40 }),
  check(steps) {
    let now = 0;
    let largestSegment = 0;
    let sentBytes = 0;
    const kcp = new Kcp({ conv: CONV, mtu: MTU, receiveWindow: RECEIVE_WINDOW, sendWindow: 8, output: checkOutput });
    kcp.update(now);
    for (const s of steps) {
      if (s.kind === 'advance') {
        now += s.ms;
        kcp.update(now);
        continue;
      }
      if (s.kind === 'send') {
        if (s.length <= kcp.maxMessageBytes && !kcp.dead) {
          kcp.send(new Uint8Array(s.length));
          sentBytes += s.length;
        }
        kcp.flush();
        continue;
      }
      largestSegment = Math.max(largestSegment, s.bytes.length - KCP_HEADER_BYTES);
      kcp.input(s.bytes);
      kcp.flush();
      for (let message = kcp.recv(); message; message = kcp.recv()) {
        if (message.length > largestSegment * RECEIVE_WINDOW) {
          throw new Error(`delivered ${message.length} bytes, more than a window of the segments received`);
        }
      }
      const next = kcp.check(now);
      if (!(next >= now)) throw new Error(`check(${now}) = ${next}`);
      if (kcp.waitingBytes < 0 || kcp.waitingBytes > sentBytes) throw new Error(`waitingBytes ${kcp.waitingBytes} with ${sentBytes} sent`);
    }
  },
});
