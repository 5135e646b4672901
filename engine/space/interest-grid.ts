/**
 * Interest management: who sees whom in one space. Keys (entities) sit in a uniform grid of square
 * cells; an observer (a player's avatar) sees every other key within its view radius. `set` and
 * `remove` record what moved; `update` re-checks only the moved keys against the keys in the
 * cells around them and returns the pairs that came into view and went out of it, so its cost is
 * proportional to movement, never to all pairs: a moved observer checks the keys in the cells its
 * radius touches, a moved key the observers in the cells the largest observer radius touches
 * (skipping observers that moved too, which check their own view; when every observer moved,
 * that pass is skipped whole). A cell size about the common view radius works best.
 *
 * Built for a tick loop: cells are found by column then row (small integer keys), each cell keeps
 * its keys' positions in arrays of numbers beside them, a re-check marks keys instead of looking
 * them up in sets, and an update allocates little beyond the pairs it returns.
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

// Cell columns and rows stay below 2^25 (the documented bound on positions), small integers for the cell maps.
const MAX_CELL = 2 ** 25;
// Cells are widened by this much (in cells) so that float rounding of `x ± r` never drops a key at the radius.
const EDGE = 1e-6;

interface Entry<K> {
  readonly key: K;
  x: number;
  y: number;
  /** Its cell's column and row, and the cell itself while it is placed. */
  cx: number;
  cy: number;
  cell: Cell<K> | undefined;
  observer: boolean;
  radius: number;
  removed: boolean;
  /** Set or removed since the last update. */
  dirty: boolean;
  /** Index in its cell's `keys`, and in its `observers` for an observer. */
  slot: number;
  observerSlot: number;
  /** The mark of the last re-check that found this key seen by, or seeing, the key re-checked. */
  had: number;
  /** Keys this observer sees (what {@link InterestGrid.viewOf} gives). */
  readonly view: Set<K>;
  /** The same, as entries: re-checks walk them without a lookup per key. */
  readonly sees: Set<Entry<K>>;
  /** Observers that see this key. */
  readonly seenBy: Set<Entry<K>>;
}

// Cells hold arrays (an entry knows its index, removal swaps the last in): they iterate faster than
// sets. Positions sit beside the keys in arrays of numbers, so that a scan reads memory in order
// and touches a key's entry only when it is within the radius.
interface Cell<K> {
  /** Every live key in the cell. */
  readonly keys: Array<Entry<K>>;
  /** Their positions, by the same index. */
  readonly xs: number[];
  readonly ys: number[];
  /** Its live observers only: what a moved key is checked against. */
  readonly observers: Array<Entry<K>>;
}

const EMPTY: ReadonlySet<never> = new Set<never>();

/** A uniform-grid interest manager over keys of type `K` (entity ids, entities). */
export class InterestGrid<K> {
  private readonly cellSize: number;
  private readonly viewRadius: number;
  private readonly entries = new Map<K, Entry<K>>();
  /** The cells with a key, by column then row: both small integers, which maps look up fastest. */
  private readonly columns = new Map<number, Map<number, Cell<K>>>();
  /** Radius → number of live observers with it, for the largest radius any observer has. */
  private readonly radii = new Map<number, number>();
  private maxObserverRadius = 0;
  private observers = 0;
  /** The entries set or removed since the last update, each once (its `dirty` flag says it is here). */
  private readonly dirty: Array<Entry<K>> = [];
  private live = 0;
  // Scratch of the update: the mark of the current re-check, and the cell range of the last
  // {@link range} call.
  private mark = 0;
  private x0 = 0;
  private x1 = 0;
  private y0 = 0;
  private y1 = 0;

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
    const cx = this.cellIndex(x, y, x);
    const cy = this.cellIndex(x, y, y);
    const radius = options?.radius === undefined ? this.viewRadius : this.checkRadius('radius', options.radius, false);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { key, x, y, cx, cy, cell: undefined, observer: false, radius: this.viewRadius, removed: true, dirty: false, slot: -1, observerSlot: -1, had: 0, view: new Set(), sees: new Set(), seenBy: new Set() };
      this.entries.set(key, entry);
    }
    const observer = options ? options.observer === true : entry.observer;
    // Most moves stay in their cell with the same options: no cell bookkeeping then.
    const replace = entry.removed || entry.cx !== cx || entry.cy !== cy || observer !== entry.observer || (options !== undefined && radius !== entry.radius);
    if (entry.removed) this.live++;
    else if (replace) this.unplace(entry);
    entry.x = x;
    entry.y = y;
    entry.cx = cx;
    entry.cy = cy;
    entry.removed = false;
    if (options) {
      entry.observer = observer;
      entry.radius = radius;
    }
    if (replace) this.place(entry);
    else {
      entry.cell!.xs[entry.slot] = x;
      entry.cell!.ys[entry.slot] = y;
    }
    if (!entry.dirty) {
      entry.dirty = true;
      this.dirty.push(entry);
    }
  }

  /** Takes `key` out; the next {@link update} reports it leaving every view it was in, and its own view emptying. Unknown keys are ignored. */
  remove(key: K): void {
    const entry = this.entries.get(key);
    if (!entry || entry.removed) return;
    this.unplace(entry);
    this.live--;
    entry.removed = true;
    if (!entry.dirty) {
      entry.dirty = true;
      this.dirty.push(entry);
    }
  }

  /**
   * Applies the moves, additions and removals since the last call and returns the pairs that
   * came into view and went out of it. A pair appears at most once, and only when its state
   * differs from the previous update's (a key removed and set again in between counts as moved).
   */
  update(): InterestChanges<K> {
    const changes: InterestChanges<K> = { entered: [], left: [] };
    // Observers that did not move: only they need re-checking against the keys that did (the
    // others re-check their whole view). When every observer moved, that pass is skipped.
    let still = this.observers;
    for (const entry of this.dirty) if (entry.observer && !entry.removed) still--;
    for (const entry of this.dirty) {
      if (entry.removed) this.drop(entry, changes);
      else {
        if (still > 0) this.recheckSeen(entry, changes);
        this.recheckView(entry, changes);
      }
    }
    for (const entry of this.dirty) entry.dirty = false;
    this.dirty.length = 0;
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
    this.cellIndex(x, y, x);
    this.cellIndex(x, y, y);
    this.checkRadius('radius', radius, true);
    out.length = 0;
    const r2 = radius * radius;
    this.range(x, y, radius);
    for (let cx = this.x0; cx <= this.x1; cx++) {
      const column = this.columns.get(cx);
      if (!column) continue;
      for (let cy = this.y0; cy <= this.y1; cy++) {
        const cell = column.get(cy);
        if (!cell) continue;
        const { keys, xs, ys } = cell;
        for (let i = 0; i < keys.length; i++) {
          const dx = xs[i]! - x;
          const dy = ys[i]! - y;
          if (dx * dx + dy * dy <= r2) out.push(keys[i]!.key);
        }
      }
    }
    return out;
  }

  // ---- updates ----

  /**
   * Re-checks a moved or added key as a target of the observers around it that did not move:
   * those that saw it and may no longer, then those near enough to see it now (those that saw it
   * get a mark, `had`, instead of a set lookup). Observers that moved too are skipped: they
   * re-check their whole view themselves.
   */
  private recheckSeen(entry: Entry<K>, changes: InterestChanges<K>): void {
    const { x, y, seenBy } = entry;
    const mark = ++this.mark;
    if (seenBy.size > 0) {
      for (const observer of seenBy) {
        observer.had = mark;
        if (observer.dirty) continue;
        const dx = x - observer.x;
        const dy = y - observer.y;
        if (dx * dx + dy * dy > observer.radius * observer.radius) this.unsee(observer, entry, changes);
      }
    }
    if (this.maxObserverRadius === 0) return;
    this.range(x, y, this.maxObserverRadius);
    const { x0, x1, y0, y1 } = this;
    for (let cx = x0; cx <= x1; cx++) {
      const column = this.columns.get(cx);
      if (column === undefined) continue;
      for (let cy = y0; cy <= y1; cy++) {
        const cell = column.get(cy);
        if (cell === undefined) continue;
        const observers = cell.observers;
        for (let i = 0; i < observers.length; i++) {
          const observer = observers[i]!;
          if (observer.had === mark || observer.dirty) continue;
          const dx = x - observer.x;
          const dy = y - observer.y;
          if (dx * dx + dy * dy <= observer.radius * observer.radius && observer !== entry) this.see(observer, entry, changes);
        }
      }
    }
  }

  /**
   * Re-checks a moved or added key as an observer: what it saw and no longer sees leaves, then
   * what is within its radius now and was not seen enters. What it still sees gets a mark, `had`,
   * instead of a set lookup.
   */
  private recheckView(entry: Entry<K>, changes: InterestChanges<K>): void {
    const { sees } = entry;
    if (!entry.observer) {
      for (const target of sees) this.unsee(entry, target, changes);
      return;
    }
    const mark = ++this.mark;
    const { x, y } = entry;
    const r2 = entry.radius * entry.radius;
    for (const target of sees) {
      const dx = target.x - x;
      const dy = target.y - y;
      if (target.removed || dx * dx + dy * dy > r2) this.unsee(entry, target, changes);
      else target.had = mark;
    }
    this.range(x, y, entry.radius);
    const { x0, x1, y0, y1 } = this;
    for (let cx = x0; cx <= x1; cx++) {
      const column = this.columns.get(cx);
      if (!column) continue;
      for (let cy = y0; cy <= y1; cy++) {
        const cell = column.get(cy);
        if (!cell) continue;
        const { keys, xs, ys } = cell;
        for (let i = 0; i < keys.length; i++) {
          const dx = xs[i]! - x;
          const dy = ys[i]! - y;
          if (dx * dx + dy * dy > r2) continue;
          const target = keys[i]!;
          if (target.had !== mark && target !== entry) this.see(entry, target, changes);
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
    let column = this.columns.get(entry.cx);
    if (!column) this.columns.set(entry.cx, (column = new Map()));
    let cell = column.get(entry.cy);
    if (!cell) column.set(entry.cy, (cell = { keys: [], xs: [], ys: [], observers: [] }));
    entry.cell = cell;
    entry.slot = cell.keys.push(entry) - 1;
    cell.xs.push(entry.x);
    cell.ys.push(entry.y);
    if (!entry.observer) return;
    entry.observerSlot = cell.observers.push(entry) - 1;
    this.observers++;
    this.radii.set(entry.radius, (this.radii.get(entry.radius) ?? 0) + 1);
    if (entry.radius > this.maxObserverRadius) this.maxObserverRadius = entry.radius;
  }

  private unplace(entry: Entry<K>): void {
    const cell = entry.cell!;
    entry.cell = undefined;
    const { keys, xs, ys } = cell;
    const last = keys.pop()!;
    const lastX = xs.pop()!;
    const lastY = ys.pop()!;
    if (last !== entry) {
      keys[entry.slot] = last;
      xs[entry.slot] = lastX;
      ys[entry.slot] = lastY;
      last.slot = entry.slot;
    }
    if (entry.observer) {
      const { observers } = cell;
      const lastObserver = observers.pop()!;
      if (lastObserver !== entry) {
        observers[entry.observerSlot] = lastObserver;
        lastObserver.observerSlot = entry.observerSlot;
      }
    }
    if (cell.keys.length === 0) {
      const column = this.columns.get(entry.cx)!;
      column.delete(entry.cy);
      if (column.size === 0) this.columns.delete(entry.cx);
    }
    if (!entry.observer) return;
    this.observers--;
    const count = this.radii.get(entry.radius)! - 1;
    if (count > 0) {
      this.radii.set(entry.radius, count);
      return;
    }
    this.radii.delete(entry.radius);
    if (entry.radius === this.maxObserverRadius) this.maxObserverRadius = Math.max(0, ...this.radii.keys());
  }

  /** Sets {@link x0}…{@link y1} to the first and last cell columns and rows that a circle of `radius` around (x, y) touches. */
  private range(x: number, y: number, radius: number): void {
    const size = this.cellSize;
    this.x0 = Math.floor((x - radius) / size - EDGE);
    this.x1 = Math.floor((x + radius) / size + EDGE);
    this.y0 = Math.floor((y - radius) / size - EDGE);
    this.y1 = Math.floor((y + radius) / size + EDGE);
  }

  /** The cell column or row of coordinate `at` of the point (x, y). */
  private cellIndex(x: number, y: number, at: number): number {
    const c = Math.floor(at / this.cellSize);
    if (!(Math.abs(c) < MAX_CELL - MAX_RADIUS_CELLS)) {
      throw new Error(`InterestGrid: position (${x}, ${y}) must be finite and within ${MAX_CELL - MAX_RADIUS_CELLS} cells of the origin`);
    }
    return c;
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

/** Whether `observer` sees a key at (x, y): within its radius, edge included. */
function within<K>(observer: Entry<K>, x: number, y: number): boolean {
  const dx = x - observer.x;
  const dy = y - observer.y;
  return dx * dx + dy * dy <= observer.radius * observer.radius;
}
