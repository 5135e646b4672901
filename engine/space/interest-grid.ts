/**
 * Interest management: who sees whom in one space. Keys (entities) sit in a uniform grid of square
 * cells; an observer (a player's avatar) sees every other key within its view radius. `set` and
 * `remove` record what moved; `update` re-checks only the moved keys against the keys in the
 * cells around them and returns the pairs that came into view and went out of it, so its cost is
 * proportional to movement, never to all pairs: a moved observer checks the keys in the cells its
 * radius touches, a moved key the observers in the cells the largest observer radius touches
 * (skipping observers that moved too, which check their own view). A cell size about the common
 * view radius works best.
 *
 * Pure: no clock, no I/O. Visibility is `dx² + dy² ≤ radius²` (a key exactly at the radius is
 * seen), never of an observer by itself.
 *
 * ```ts
 * const grid = new InterestGrid<string>({ cellSize: 16, viewRadius: 24 });
 * grid.set('hero', 0, 0, { observer: true });
 * grid.set('wolf', 10, 0);
 * grid.update(); // { entered: [['hero', 'wolf']], left: [] }
 * ```
 */

/** Settings of an {@link InterestGrid}. */
export interface InterestGridOptions {
  /** Side of a grid cell, in world units: positive and finite. About the common view radius is a good size. */
  cellSize: number;
  /** Radius an observer sees within unless its own is set: positive, finite, at most {@link MAX_RADIUS_CELLS} cells. */
  viewRadius: number;
}

/** How a key takes part, given to {@link InterestGrid.set}. */
export interface InterestKeyOptions {
  /** True: the key sees others (a player's avatar). Default false: it is only seen. */
  observer?: boolean;
  /** This observer's own view radius (default the grid's `viewRadius`); same bounds. */
  radius?: number;
}

/** The visibility changes of one {@link InterestGrid.update}: `[observer, key]` pairs. */
export interface InterestChanges<K> {
  entered: Array<[observer: K, key: K]>;
  left: Array<[observer: K, key: K]>;
}

/**
 * A radius may span at most this many cells: a query's cost grows with the square of
 * `radius / cellSize`, so a larger radius is refused rather than silently made slow.
 */
export const MAX_RADIUS_CELLS = 32;

// Cell coordinates must fit the numeric cell key below: |cell| < 2^25.
const MAX_CELL = 2 ** 25;
// Cells are widened by this much (in cells) so that float rounding of `x ± r` never drops a key at the radius.
const EDGE = 1e-6;

interface Entry<K> {
  readonly key: K;
  x: number;
  y: number;
  cell: number;
  observer: boolean;
  radius: number;
  removed: boolean;
  /** Set or removed since the last update. */
  dirty: boolean;
  /** Index in its cell's array of {@link InterestGrid.cells}, and of `observerCells` for an observer. */
  slot: number;
  observerSlot: number;
  /** Keys this observer sees (what {@link InterestGrid.viewOf} gives). */
  readonly view: Set<K>;
  /** The same, as entries: re-checks walk them without a lookup per key. */
  readonly sees: Set<Entry<K>>;
  /** Observers that see this key. */
  readonly seenBy: Set<Entry<K>>;
}

const EMPTY: ReadonlySet<never> = new Set<never>();

/** A uniform-grid interest manager over keys of type `K` (entity ids, entities). */
export class InterestGrid<K> {
  private readonly cellSize: number;
  private readonly viewRadius: number;
  private readonly entries = new Map<K, Entry<K>>();
  // Cells hold arrays (an entry knows its index, removal swaps the last in): they iterate faster than sets.
  /** Every live key, by cell. */
  private readonly cells = new Map<number, Array<Entry<K>>>();
  /** Live observers only, by cell: what a moved key is checked against. */
  private readonly observerCells = new Map<number, Array<Entry<K>>>();
  /** Radius → number of live observers with it, for the largest radius any observer has. */
  private readonly radii = new Map<number, number>();
  private maxObserverRadius = 0;
  private readonly dirty = new Set<Entry<K>>();
  private live = 0;

  /** @throws Error when `cellSize` or `viewRadius` is not positive and finite, or the radius spans more than {@link MAX_RADIUS_CELLS} cells. */
  constructor(options: InterestGridOptions) {
    const { cellSize, viewRadius } = options;
    if (!(typeof cellSize === 'number' && Number.isFinite(cellSize) && cellSize > 0)) throw new Error(`InterestGrid: cellSize must be a positive finite number, got ${String(cellSize)}`);
    this.cellSize = cellSize;
    this.viewRadius = this.checkRadius('viewRadius', viewRadius, false);
  }

  /** Number of keys in the grid (those removed since the last {@link update} excluded). */
  get size(): number {
    return this.live;
  }

  /** Whether `key` is in the grid (and not removed). */
  has(key: K): boolean {
    const entry = this.entries.get(key);
    return entry !== undefined && !entry.removed;
  }

  /**
   * Places `key` at (`x`, `y`) or moves it there. `options`, when given, replace the key's
   * options as a whole; omitted, the key keeps its own (a new key: a plain key, the grid's
   * radius). Positions count for {@link nearby} at once, for views at the next {@link update}.
   * @throws Error for a coordinate that is not finite or lies more than 2^25 cells from the
   *   origin, or a radius that {@link InterestGridOptions.viewRadius} would refuse.
   */
  set(key: K, x: number, y: number, options?: InterestKeyOptions): void {
    const cell = this.cellOf(x, y);
    const radius = options?.radius === undefined ? this.viewRadius : this.checkRadius('radius', options.radius, false);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { key, x, y, cell, observer: false, radius: this.viewRadius, removed: true, dirty: false, slot: -1, observerSlot: -1, view: new Set(), sees: new Set(), seenBy: new Set() };
      this.entries.set(key, entry);
    }
    const observer = options ? options.observer === true : entry.observer;
    // Most moves stay in their cell with the same options: no cell bookkeeping then.
    const replace = entry.removed || entry.cell !== cell || observer !== entry.observer || (options !== undefined && radius !== entry.radius);
    if (entry.removed) this.live++;
    else if (replace) this.unplace(entry);
    entry.x = x;
    entry.y = y;
    entry.cell = cell;
    entry.removed = false;
    if (options) {
      entry.observer = observer;
      entry.radius = radius;
    }
    if (replace) this.place(entry);
    entry.dirty = true;
    this.dirty.add(entry);
  }

  /** Takes `key` out; the next {@link update} reports it leaving every view it was in, and its own view emptying. Unknown keys are ignored. */
  remove(key: K): void {
    const entry = this.entries.get(key);
    if (!entry || entry.removed) return;
    this.unplace(entry);
    this.live--;
    entry.removed = true;
    entry.dirty = true;
    this.dirty.add(entry);
  }

  /**
   * Applies the moves, additions and removals since the last call and returns the pairs that
   * came into view and went out of it. A pair appears at most once, and only when its state
   * differs from the previous update's (a key removed and set again in between counts as moved).
   */
  update(): InterestChanges<K> {
    const changes: InterestChanges<K> = { entered: [], left: [] };
    for (const entry of this.dirty) {
      if (entry.removed) this.drop(entry, changes);
      else this.recheck(entry, changes);
    }
    for (const entry of this.dirty) entry.dirty = false;
    this.dirty.clear();
    return changes;
  }

  /** The keys `observer` sees as of the last {@link update} (empty for a plain or unknown key). Live: copy it to keep it. */
  viewOf(observer: K): ReadonlySet<K> {
    return this.entries.get(observer)?.view ?? EMPTY;
  }

  /**
   * The keys within `radius` of (`x`, `y`), at their latest positions. Fills `out` (emptied first)
   * when given, to save an allocation per call.
   * @throws Error for a point that is not finite or a radius that is negative, not finite or more than {@link MAX_RADIUS_CELLS} cells.
   */
  nearby(x: number, y: number, radius: number, out: K[] = []): K[] {
    this.cellOf(x, y);
    this.checkRadius('radius', radius, true);
    out.length = 0;
    const r2 = radius * radius;
    const [x0, x1, y0, y1] = this.cellRange(x, y, radius);
    for (let cx = x0; cx <= x1; cx++) {
      for (let cy = y0; cy <= y1; cy++) {
        const cell = this.cells.get(cellKey(cx, cy));
        if (!cell) continue;
        for (const entry of cell) {
          const dx = entry.x - x;
          const dy = entry.y - y;
          if (dx * dx + dy * dy <= r2) out.push(entry.key);
        }
      }
    }
    return out;
  }

  // ---- updates ----

  /** Re-checks a moved or added key both as a target of the observers around it and as an observer. */
  private recheck(entry: Entry<K>, changes: InterestChanges<K>): void {
    // As a target: observers that saw it and may no longer, then observers near enough to see it
    // now. Observers that moved too are skipped: they re-check their whole view themselves.
    for (const observer of entry.seenBy) {
      if (!observer.dirty && !this.sees(observer, entry)) this.unsee(observer, entry, changes);
    }
    if (this.maxObserverRadius > 0) {
      const [x0, x1, y0, y1] = this.cellRange(entry.x, entry.y, this.maxObserverRadius);
      for (let cx = x0; cx <= x1; cx++) {
        for (let cy = y0; cy <= y1; cy++) {
          const cell = this.observerCells.get(cellKey(cx, cy));
          if (!cell) continue;
          for (const observer of cell) {
            if (!observer.dirty && this.sees(observer, entry) && !entry.seenBy.has(observer)) this.see(observer, entry, changes);
          }
        }
      }
    }
    // As an observer: what it saw and may no longer, then what is within its radius now.
    for (const target of entry.sees) {
      if (!this.sees(entry, target)) this.unsee(entry, target, changes);
    }
    if (!entry.observer) return;
    const [x0, x1, y0, y1] = this.cellRange(entry.x, entry.y, entry.radius);
    for (let cx = x0; cx <= x1; cx++) {
      for (let cy = y0; cy <= y1; cy++) {
        const cell = this.cells.get(cellKey(cx, cy));
        if (!cell) continue;
        for (const target of cell) {
          if (this.sees(entry, target) && !entry.sees.has(target)) this.see(entry, target, changes);
        }
      }
    }
  }

  /** Ends every pair of a removed key and forgets it. */
  private drop(entry: Entry<K>, changes: InterestChanges<K>): void {
    for (const observer of entry.seenBy) this.unsee(observer, entry, changes);
    for (const target of entry.sees) this.unsee(entry, target, changes);
    this.entries.delete(entry.key);
  }

  private sees(observer: Entry<K>, target: Entry<K>): boolean {
    if (observer === target || !observer.observer || observer.removed || target.removed) return false;
    const dx = target.x - observer.x;
    const dy = target.y - observer.y;
    return dx * dx + dy * dy <= observer.radius * observer.radius;
  }

  private see(observer: Entry<K>, target: Entry<K>, changes: InterestChanges<K>): void {
    observer.view.add(target.key);
    observer.sees.add(target);
    target.seenBy.add(observer);
    changes.entered.push([observer.key, target.key]);
  }

  private unsee(observer: Entry<K>, target: Entry<K>, changes: InterestChanges<K>): void {
    observer.view.delete(target.key);
    observer.sees.delete(target);
    target.seenBy.delete(observer);
    changes.left.push([observer.key, target.key]);
  }

  // ---- cells ----

  private place(entry: Entry<K>): void {
    entry.slot = addTo(this.cells, entry.cell, entry);
    if (!entry.observer) return;
    entry.observerSlot = addTo(this.observerCells, entry.cell, entry);
    this.radii.set(entry.radius, (this.radii.get(entry.radius) ?? 0) + 1);
    if (entry.radius > this.maxObserverRadius) this.maxObserverRadius = entry.radius;
  }

  private unplace(entry: Entry<K>): void {
    removeFrom(this.cells, entry.cell, entry, 'slot');
    if (!entry.observer) return;
    removeFrom(this.observerCells, entry.cell, entry, 'observerSlot');
    const count = this.radii.get(entry.radius)! - 1;
    if (count > 0) {
      this.radii.set(entry.radius, count);
      return;
    }
    this.radii.delete(entry.radius);
    if (entry.radius === this.maxObserverRadius) this.maxObserverRadius = Math.max(0, ...this.radii.keys());
  }

  /** The first and last cell columns and rows that a circle of `radius` around (x, y) touches. */
  private cellRange(x: number, y: number, radius: number): [x0: number, x1: number, y0: number, y1: number] {
    const size = this.cellSize;
    return [Math.floor((x - radius) / size - EDGE), Math.floor((x + radius) / size + EDGE), Math.floor((y - radius) / size - EDGE), Math.floor((y + radius) / size + EDGE)];
  }

  private cellOf(x: number, y: number): number {
    const cx = Math.floor(x / this.cellSize);
    const cy = Math.floor(y / this.cellSize);
    if (!(Math.abs(cx) < MAX_CELL - MAX_RADIUS_CELLS && Math.abs(cy) < MAX_CELL - MAX_RADIUS_CELLS)) {
      throw new Error(`InterestGrid: position (${x}, ${y}) must be finite and within ${MAX_CELL - MAX_RADIUS_CELLS} cells of the origin`);
    }
    return cellKey(cx, cy);
  }

  private checkRadius(name: string, radius: number, zeroAllowed: boolean): number {
    const ok = typeof radius === 'number' && Number.isFinite(radius) && (zeroAllowed ? radius >= 0 : radius > 0);
    if (!ok) throw new Error(`InterestGrid: ${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} finite number, got ${String(radius)}`);
    if (radius > MAX_RADIUS_CELLS * this.cellSize) {
      throw new Error(`InterestGrid: ${name} ${radius} spans more than ${MAX_RADIUS_CELLS} cells of ${this.cellSize}; use a larger cellSize`);
    }
    return radius;
  }
}

/** One number per cell: unique while |cx|, |cy| < 2^25 (the product stays below 2^53). */
function cellKey(cx: number, cy: number): number {
  return cx * 2 ** 26 + cy;
}

/** Appends `entry` to the array of `cell`; returns its index there. */
function addTo<K>(cells: Map<number, Array<Entry<K>>>, cell: number, entry: Entry<K>): number {
  let list = cells.get(cell);
  if (!list) cells.set(cell, (list = []));
  list.push(entry);
  return list.length - 1;
}

/** Takes `entry` out of the array of `cell`, moving the last entry into its place. */
function removeFrom<K>(cells: Map<number, Array<Entry<K>>>, cell: number, entry: Entry<K>, slot: 'slot' | 'observerSlot'): void {
  const list = cells.get(cell)!;
  const last = list.pop()!;
  if (last !== entry) {
    list[entry[slot]] = last;
    last[slot] = entry[slot];
  }
  if (list.length === 0) cells.delete(cell);
}
