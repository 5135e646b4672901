/**
 * A query's entities as runs of consecutive bitecs ids, so that a system walks hot fields with the
 * entity id itself as the loop counter (`for (let eid = start; eid < end; eid++)`) instead of
 * reading each id out of the query's list first. Runs are in id order; entities spawned together
 * get consecutive ids, so a world of them is a few long runs. The runs are kept per world and
 * query and rebuilt only when an entity enters or leaves the query, which bitecs tells through
 * its observers.
 */
import { observe, onAdd, onRemove, query, type World as BitWorld } from 'bitecs';

/**
 * The entities of one query: run `r` covers the ids `starts[r]` up to, not including, `ends[r]`,
 * for `r` below `count`. Read it in the step that fetched it: it is rebuilt in place when the
 * query's entities change, and its arrays are replaced when they grow.
 */
export interface EntityRuns {
  /** How many runs there are. */
  readonly count: number;
  /** The first entity id of each run. */
  readonly starts: Int32Array;
  /** One past the last entity id of each run. */
  readonly ends: Int32Array;
  /** How many entities the runs cover together. */
  readonly size: number;
}

interface QueryRuns extends EntityRuns {
  count: number;
  starts: Int32Array;
  ends: Int32Array;
  size: number;
  stale: boolean;
}

/** The runs of every query asked for in one bitecs world. */
export class EntityRunIndex {
  private readonly byKey = new Map<string, QueryRuns>();
  private readonly ids = new Map<object, number>();
  // Scratch for rebuilding, all zero between rebuilds, with a slot for every id seen so far.
  private marks = new Uint8Array(1_024);

  /** @param ecs the world whose queries this index follows. */
  constructor(private readonly ecs: BitWorld) {}

  /**
   * The runs of the entities that have every one of `components` (component classes), brought up
   * to date first if an entity entered or left since the last call.
   * @throws Error when `components` is empty.
   */
  runs(components: readonly object[]): EntityRuns {
    if (components.length === 0) throw new Error('World.runs: name at least one component');
    const key = this.keyOf(components);
    let runs = this.byKey.get(key);
    if (!runs) {
      const created: QueryRuns = { count: 0, starts: new Int32Array(16), ends: new Int32Array(16), size: 0, stale: true };
      const terms = [...components];
      observe(this.ecs, onAdd(...terms), () => void (created.stale = true));
      observe(this.ecs, onRemove(...terms), () => void (created.stale = true));
      this.byKey.set(key, created);
      runs = created;
    }
    if (runs.stale) this.rebuild(runs, query(this.ecs, [...components]));
    return runs;
  }

  // One pass when the ids are in ascending order (entities spawned one after another, none taken
  // out since); otherwise the ids are marked in a bitmap and the runs read off it in id order, so
  // that they stay long however removals shuffled the query's list. Linear either way.
  private rebuild(runs: QueryRuns, eids: ArrayLike<number>): void {
    const n = eids.length;
    let ascending = true;
    let top = 0;
    for (let i = 0; i < n; i++) {
      const eid = eids[i]!;
      if (eid > top) top = eid;
      else if (i > 0) ascending = false;
    }
    // At most one run per entity, so the arrays are sized once and filled without checks.
    if (runs.starts.length < n) {
      runs.starts = new Int32Array(Math.max(n, runs.starts.length * 2));
      runs.ends = new Int32Array(runs.starts.length);
    }
    const starts = runs.starts;
    const ends = runs.ends;
    let count = 0;
    if (ascending) {
      let i = 0;
      while (i < n) {
        const start = eids[i++]!;
        let end = start + 1;
        while (i < n && eids[i] === end) {
          i++;
          end++;
        }
        starts[count] = start;
        ends[count++] = end;
      }
    } else {
      if (top >= this.marks.length) this.marks = new Uint8Array(Math.max(top + 1, this.marks.length * 2));
      const marks = this.marks;
      for (let i = 0; i < n; i++) marks[eids[i]!] = 1;
      let eid = 0;
      while (eid <= top) {
        if (marks[eid] === 0) {
          eid++;
          continue;
        }
        starts[count] = eid;
        while (eid <= top && marks[eid] === 1) marks[eid++] = 0;
        ends[count++] = eid;
      }
    }
    runs.count = count;
    runs.size = n;
    runs.stale = false;
  }

  // The same components in any order are the same query.
  private keyOf(components: readonly object[]): string {
    const ids = components.map((c) => {
      let id = this.ids.get(c);
      if (id === undefined) {
        id = this.ids.size;
        this.ids.set(c, id);
      }
      return id;
    });
    return ids.sort((a, b) => a - b).join(',');
  }
}
