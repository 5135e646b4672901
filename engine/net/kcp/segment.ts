/**
 * The KCP segment as the reference implementation puts it on the wire: a 24-byte little-endian
 * header, then `len` bytes of payload. Several segments may share one datagram, back to back.
 *
 *   offset  size  field
 *        0     4  conv   conversation id; both ends of a session use the same one
 *        4     1  cmd    81 push (data), 82 ack, 83 window ask, 84 window tell
 *        5     1  frg    fragments still to come in this message (0 on the last)
 *        6     2  wnd    the sender's free receive window, in segments
 *        8     4  ts     push: when it was sent; ack: the ts of the push it acknowledges
 *       12     4  sn     sequence number (push), or the one acknowledged (ack)
 *       16     4  una    every sn below this one has arrived at the sender of this segment
 *       20     4  len    payload bytes that follow
 */

/** Segment commands, as sent on the wire. */
export const KCP_CMD = {
  PUSH: 81,
  ACK: 82,
  WINDOW_ASK: 83,
  WINDOW_TELL: 84,
} as const;
/** One of the values of {@link KCP_CMD}. */
export type KcpCmd = (typeof KCP_CMD)[keyof typeof KCP_CMD];

/** Bytes in a segment header. */
export const KCP_HEADER_BYTES = 24;

/** A segment header's fields. */
export interface SegmentHeader {
  conv: number;
  cmd: number;
  frg: number;
  wnd: number;
  ts: number;
  sn: number;
  una: number;
  len: number;
}

/** Writes a header at `offset` of `view`; every number is taken modulo its field size. */
export function writeSegmentHeader(view: DataView, offset: number, h: SegmentHeader): void {
  view.setUint32(offset, h.conv >>> 0, true);
  view.setUint8(offset + 4, h.cmd & 0xff);
  view.setUint8(offset + 5, h.frg & 0xff);
  view.setUint16(offset + 6, h.wnd & 0xffff, true);
  view.setUint32(offset + 8, h.ts >>> 0, true);
  view.setUint32(offset + 12, h.sn >>> 0, true);
  view.setUint32(offset + 16, h.una >>> 0, true);
  view.setUint32(offset + 20, h.len >>> 0, true);
}

/**
 * Reads the header at `offset` into `into` (reused by the caller to avoid an allocation per
 * segment). The caller checks that 24 bytes are there.
 */
export function readSegmentHeader(view: DataView, offset: number, into: SegmentHeader): SegmentHeader {
  into.conv = view.getUint32(offset, true);
  into.cmd = view.getUint8(offset + 4);
  into.frg = view.getUint8(offset + 5);
  into.wnd = view.getUint16(offset + 6, true);
  into.ts = view.getUint32(offset + 8, true);
  into.sn = view.getUint32(offset + 12, true);
  into.una = view.getUint32(offset + 16, true);
  into.len = view.getUint32(offset + 20, true);
  return into;
}

/** The conversation id of a datagram, or undefined when it is too short to hold a header. */
export function convOf(datagram: Uint8Array): number | undefined {
  if (datagram.length < KCP_HEADER_BYTES) return undefined;
  return (datagram[0]! | (datagram[1]! << 8) | (datagram[2]! << 16) | (datagram[3]! << 24)) >>> 0;
}
