/** A segment held by a KCP endpoint, on the send or the receive side. */
export class KcpSegment {
  frg = 0;
  sn = 0;
  /** When it was last sent (its ts field on the wire). */
  ts = 0;
  resendAt = 0;
  rto = 0;
  /** Times a later segment was acked while this one was not. */
  fastack = 0;
  /** Times it was sent. */
  xmit = 0;
  constructor(readonly data: Uint8Array) {}
}

/** A copy of `src[start, end)` as a plain Uint8Array (a Buffer's `slice` would be a view). */
export function copyBytes(src: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  out.set(src.subarray(start, end));
  return out;
}

/** Signed difference of two 32-bit counters (sequence numbers, timestamps) that may wrap. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}
