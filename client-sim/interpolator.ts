/**
 * Smooth positions between server ticks. The server sends an entity's position only when it
 * changes, once per tick at most; drawing it as it arrives makes movement step. An
 * `Interpolator` keeps the recent (time, x, y) samples of each entity of a {@link WorldMirror},
 * stamped with the mirror's clock as they arrive, and renders each entity a little in the past
 * (`delayMs`, two ticks by default), between two samples it already has.
 *
 * ```ts
 * const smooth = new Interpolator(client.world);
 * function frame(): void {
 *   const now = performance.timeOrigin + performance.now(); // the SystemClock's time
 *   for (const id of client.world.entities.keys()) {
 *     const p = smooth.positionAt(id, now);
 *     if (p) draw(id, p.x, p.y);
 *   }
 *   requestAnimationFrame(frame);
 * }
 * ```
 *
 * Runs in Node and in browsers.
 */
import { ClientError } from './errors.js';
import type { MirrorEntity, WorldMirror } from './world-mirror.js';

/** Settings of an {@link Interpolator}. */
export interface InterpolatorOptions {
  /** The synced component that holds the position (default `Position`). */
  component?: string;
  /** Its field for x (default `x`). */
  xField?: string;
  /** Its field for y (default `y`). */
  yField?: string;
  /**
   * How far behind `now` entities are drawn, in ms: fixed when given; by default two ticks of the
   * space's `tickHz` (100 ms before a snapshot has named the rate, two ticks at 20 Hz).
   */
  delayMs?: number;
  /** Samples kept per entity, the oldest dropped first (default 32, at least 2). */
  maxSamples?: number;
}

/** A point. */
export interface Point {
  x: number;
  y: number;
}

interface Sample {
  t: number;
  x: number;
  y: number;
}

const DEFAULT_TICK_HZ = 20;
const DELAY_TICKS = 2;

/** Positions of a mirror's entities, interpolated between the samples the server sent. */
export class Interpolator {
  private readonly samples = new Map<string, Sample[]>();
  private readonly component: string;
  private readonly xField: string;
  private readonly yField: string;
  private readonly fixedDelayMs: number | undefined;
  private readonly maxSamples: number;
  private readonly unsubscribe: Array<() => void>;

  /**
   * Starts following `mirror`: entities that come into view or whose position changes are
   * sampled at the mirror's clock, entities that leave are forgotten.
   * @throws ClientError CLIENT_ERR_INVALID_OPTIONS for a `delayMs` that is not a non-negative
   *   finite number, a `maxSamples` that is not an integer of at least 2, or an empty field name.
   */
  constructor(
    private readonly mirror: WorldMirror,
    options: InterpolatorOptions = {},
  ) {
    this.component = checkName('component', options.component ?? 'Position');
    this.xField = checkName('xField', options.xField ?? 'x');
    this.yField = checkName('yField', options.yField ?? 'y');
    const { delayMs, maxSamples = 32 } = options;
    if (delayMs !== undefined && !(typeof delayMs === 'number' && Number.isFinite(delayMs) && delayMs >= 0)) {
      throw new ClientError('CLIENT_ERR_INVALID_OPTIONS', `Interpolator: delayMs must be a non-negative finite number, got ${String(delayMs)}`);
    }
    if (!(Number.isInteger(maxSamples) && maxSamples >= 2)) {
      throw new ClientError('CLIENT_ERR_INVALID_OPTIONS', `Interpolator: maxSamples must be an integer of at least 2, got ${String(maxSamples)}`);
    }
    this.fixedDelayMs = delayMs;
    this.maxSamples = maxSamples;
    for (const entity of mirror.entities.values()) this.sampleEntity(entity);
    this.unsubscribe = [
      mirror.onAdd((entity) => this.sampleEntity(entity)),
      mirror.onChange((entity, changed) => {
        const fields = changed[this.component];
        if (fields && (this.xField in fields || this.yField in fields)) this.sampleEntity(entity);
      }),
      mirror.onRemove((entity) => this.forget(entity.id)),
    ];
  }

  /** How far behind `now` {@link positionAt} renders, in ms. */
  get delayMs(): number {
    return this.fixedDelayMs ?? DELAY_TICKS * this.tickMs();
  }

  /**
   * Records that entity `id` was at (`x`, `y`) at `timeMs`. The mirror's entities are sampled
   * without this; call it for positions of your own (a prediction). A sample at the time of the
   * last one replaces it; one older than the last is ignored.
   */
  sample(id: string, timeMs: number, x: number, y: number): void {
    let list = this.samples.get(id);
    if (!list) this.samples.set(id, (list = []));
    const last = list[list.length - 1];
    if (last && timeMs < last.t) return;
    if (last && timeMs === last.t) {
      last.x = x;
      last.y = y;
      return;
    }
    // After a pause of more than two ticks (the entity stood still, so nothing was sent), hold the
    // old position until one tick before this sample: else the entity would glide over the pause.
    const tickMs = this.tickMs();
    if (last && timeMs - last.t > 2 * tickMs) list.push({ t: timeMs - tickMs, x: last.x, y: last.y });
    list.push({ t: timeMs, x, y });
    if (list.length > this.maxSamples) list.splice(0, list.length - this.maxSamples);
  }

  /** Drops entity `id`'s samples. */
  forget(id: string): void {
    this.samples.delete(id);
  }

  /**
   * Where to draw entity `id` at `nowMs` (the mirror clock's time): its position at
   * `nowMs - delayMs`, linear between the two samples around that time, the first sample before
   * them all and the latest after them all. Undefined for an entity without a position sample.
   * Fills `out` when given, to save an allocation per frame.
   */
  positionAt(id: string, nowMs: number, out: Point = { x: 0, y: 0 }): Point | undefined {
    const list = this.samples.get(id);
    if (!list || list.length === 0) return undefined;
    const t = nowMs - this.delayMs;
    let i = list.length - 1;
    while (i > 0 && list[i - 1]!.t >= t) i--;
    const after = list[i]!;
    const before = list[i - 1];
    if (!before || t >= after.t) {
      out.x = after.x;
      out.y = after.y;
      return out;
    }
    const f = (t - before.t) / (after.t - before.t);
    out.x = before.x + (after.x - before.x) * f;
    out.y = before.y + (after.y - before.y) * f;
    return out;
  }

  /** Stops following the mirror and drops every sample. */
  dispose(): void {
    for (const off of this.unsubscribe) off();
    this.samples.clear();
  }

  private tickMs(): number {
    const hz = this.mirror.space?.tickHz;
    return 1000 / (hz !== undefined && hz > 0 && Number.isFinite(hz) ? hz : DEFAULT_TICK_HZ);
  }

  private sampleEntity(entity: MirrorEntity): void {
    const fields = entity.values[this.component];
    const x = fields?.[this.xField];
    const y = fields?.[this.yField];
    if (typeof x === 'number' && typeof y === 'number') this.sample(entity.id, this.mirror.clock.now(), x, y);
  }
}

function checkName(option: string, name: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new ClientError('CLIENT_ERR_INVALID_OPTIONS', `Interpolator: ${option} must be a non-empty string, got ${String(name)}`);
  return name;
}
