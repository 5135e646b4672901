/**
 * Latencies counted the cheap way on a bot's request path: one increment in a typed array, at the
 * index an HDR histogram of 3 significant digits (lowest discernible value 1) would use, found with
 * `Math.clz32` instead of the logarithms hdr-histogram-js computes for each value. Once an interval,
 * {@link LatencyCounts.drainInto} moves the counts into a real HDR histogram, one entry per distinct
 * bucket, with the same resolution as recording each value there.
 */
import type { Histogram } from 'hdr-histogram-js';

// 3 significant digits: 2,048 sub-buckets per bucket, the upper half (1,024) used past bucket 0.
const HALF_MAGNITUDE = 10;
const HALF_COUNT = 1 << HALF_MAGNITUDE;
/** The largest value counted; larger ones count as this. 2^32 - 1 microseconds is about 71 minutes. */
export const MAX_COUNTED = 0xffff_ffff;
// Index of MAX_COUNTED: bucket 21, sub-bucket 2,047.
const MAX_LENGTH = (21 + 2) << HALF_MAGNITUDE;
const INITIAL_LENGTH = 4 << HALF_MAGNITUDE;

/** Counts of values (microseconds) by HDR bucket; grows to the largest value seen, at most 92 KiB. */
export class LatencyCounts {
  private counts = new Uint32Array(INITIAL_LENGTH);
  private top = -1;
  private total_ = 0;

  /** Values counted since the last drain. */
  get total(): number {
    return this.total_;
  }

  /** Counts `value`, an integer from 0 to {@link MAX_COUNTED} (a larger one counts as that, a negative one as 0). */
  record(value: number): void {
    const v = value <= 0 ? 0 : value < MAX_COUNTED ? value : MAX_COUNTED;
    // floor(log2(v)) - HALF_MAGNITUDE, at least 0; `>>>` keeps values past 2^31 unsigned.
    const bucket = Math.max(0, 31 - Math.clz32(v) - HALF_MAGNITUDE);
    const index = ((bucket + 1) << HALF_MAGNITUDE) + ((v >>> bucket) - HALF_COUNT);
    if (index >= this.counts.length) this.grow(index);
    this.counts[index]!++;
    if (index > this.top) this.top = index;
    this.total_++;
  }

  /** Adds every count to `histogram` (one of 3 significant digits) and starts again from zero. */
  drainInto(histogram: Histogram): void {
    const counts = this.counts;
    for (let index = 0; index <= this.top; index++) {
      const count = counts[index]!;
      if (count !== 0) histogram.recordValueWithCount(valueAt(index), count);
    }
    counts.fill(0, 0, this.top + 1);
    this.top = -1;
    this.total_ = 0;
  }

  private grow(index: number): void {
    let length = this.counts.length;
    while (length <= index) length *= 2;
    const counts = new Uint32Array(Math.min(length, MAX_LENGTH));
    counts.set(this.counts);
    this.counts = counts;
  }
}

/** The lowest value of the bucket at `index` (as hdr-histogram-js's valueFromIndex). */
function valueAt(index: number): number {
  const bucket = (index >> HALF_MAGNITUDE) - 1;
  if (bucket < 0) return index;
  return ((index & (HALF_COUNT - 1)) + HALF_COUNT) * 2 ** bucket;
}
