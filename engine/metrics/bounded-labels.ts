/**
 * A capped set of label values, so that a label fed from outside (a route, an RPC scope, a space
 * type) can never grow a metric past a fixed number of series: the first `max` distinct values keep
 * their own label, every later one folds into `other`.
 */
export class BoundedLabels {
  private readonly seen = new Set<string>();

  /**
   * @param max distinct values kept before folding (at least 1).
   * @param other the label the rest fold into (default `other`).
   * @throws RangeError when `max` is not a positive integer.
   */
  constructor(
    readonly max: number,
    readonly other = 'other',
  ) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, got ${max}`);
  }

  /** The label for `value`: itself while it is one of the first `max` distinct values, else `other`. */
  label(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return this.other;
    this.seen.add(value);
    return value;
  }

  /** How many distinct values have kept their own label. */
  get size(): number {
    return this.seen.size;
  }
}
