import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../net/emulator/seeded-random.js';
import { InterestGrid, MAX_RADIUS_CELLS, type InterestChanges } from './interest-grid.js';

type Pair = [string, string];
const sorted = (pairs: Pair[]): Pair[] => [...pairs].sort((a, b) => (a.join('|') < b.join('|') ? -1 : a.join('|') > b.join('|') ? 1 : 0));
const changes = (c: InterestChanges<string>): { entered: Pair[]; left: Pair[] } => ({ entered: sorted(c.entered), left: sorted(c.left) });

describe('InterestGrid visibility at the radius', () => {
  it('sees a key exactly at the radius and loses it just beyond', () => {
    const grid = new InterestGrid<string>({ cellSize: 10, viewRadius: 5 });
    grid.set('hero', 0, 0, { observer: true });
    grid.set('wolf', 3, 4); // distance 5 exactly
    expect(changes(grid.update())).toEqual({ entered: [['hero', 'wolf']], left: [] });
    expect([...grid.viewOf('hero')]).toEqual(['wolf']);

    grid.set('wolf', 3, 4.000001);
    expect(changes(grid.update())).toEqual({ entered: [], left: [['hero', 'wolf']] });
    expect(grid.viewOf('hero').size).toBe(0);

    grid.set('wolf', -5, 0); // exactly at the radius again, across a cell border
    expect(changes(grid.update())).toEqual({ entered: [['hero', 'wolf']], left: [] });
  });

  it('sees a key at the radius that lies in the farthest cell the radius reaches', () => {
    const grid = new InterestGrid<string>({ cellSize: 4, viewRadius: 8 });
    grid.set('hero', 0.1, 0.1, { observer: true });
    grid.set('far', 8.1, 0.1);
    grid.set('beyond', 8.1000001, 0.1);
    expect(changes(grid.update())).toEqual({ entered: [['hero', 'far']], left: [] });
  });

  it('never has an observer see itself, and plain keys see nothing', () => {
    const grid = new InterestGrid<string>({ cellSize: 10, viewRadius: 5 });
    grid.set('hero', 0, 0, { observer: true });
    grid.set('rock', 1, 0);
    expect(changes(grid.update())).toEqual({ entered: [['hero', 'rock']], left: [] });
    expect(grid.viewOf('hero').has('hero')).toBe(false);
    expect(grid.viewOf('rock').size).toBe(0);
    expect(grid.viewOf('nobody').size).toBe(0);
  });

  it('makes two observers in range see each other', () => {
    const grid = new InterestGrid<string>({ cellSize: 10, viewRadius: 5 });
    grid.set('ada', 0, 0, { observer: true });
    grid.set('bob', 2, 0, { observer: true });
    expect(changes(grid.update())).toEqual({ entered: [['ada', 'bob'], ['bob', 'ada']], left: [] });
  });
});

describe('InterestGrid per-key radius', () => {
  it('lets one observer see farther than the grid radius, and another nearer', () => {
    const grid = new InterestGrid<string>({ cellSize: 10, viewRadius: 5 });
    grid.set('scout', 0, 0, { observer: true, radius: 20 });
    grid.set('mole', 0, 1, { observer: true, radius: 1 });
    grid.set('wolf', 15, 0);
    grid.set('fox', 0, 3);
    expect(changes(grid.update())).toEqual({
      entered: [['mole', 'scout'], ['scout', 'fox'], ['scout', 'mole'], ['scout', 'wolf']],
      left: [],
    });
  });

  it('re-checks a view when an observer changes its radius without moving', () => {
    const grid = new InterestGrid<string>({ cellSize: 10, viewRadius: 5 });
    grid.set('hero', 0, 0, { observer: true });
    grid.set('wolf', 8, 0);
    expect(grid.update().entered).toEqual([]);
    grid.set('hero', 0, 0, { observer: true, radius: 8 });
    expect(changes(grid.update())).toEqual({ entered: [['hero', 'wolf']], left: [] });
    grid.set('hero', 0, 0, { observer: true }); // options replace: back to the grid's radius
    expect(changes(grid.update())).toEqual({ entered: [], left: [['hero', 'wolf']] });
  });

  it("keeps a key's options when set again without them, and empties a view when a key stops observing", () => {
    const grid = new InterestGrid<string>({ cellSize: 10, viewRadius: 5 });
    grid.set('hero', 0, 0, { observer: true, radius: 9 });
    grid.set('wolf', 8, 0);
    grid.update();
    grid.set('hero', 1, 0);
    expect(changes(grid.update())).toEqual({ entered: [], left: [] });
    expect([...grid.viewOf('hero')]).toEqual(['wolf']);
    grid.set('hero', 1, 0, { observer: false });
    expect(changes(grid.update())).toEqual({ entered: [], left: [['hero', 'wolf']] });
  });
});

describe('InterestGrid movement', () => {
  it("reports a target walking into and out of a still observer's view", () => {
    const grid = new InterestGrid<string>({ cellSize: 4, viewRadius: 10 });
    grid.set('hero', 0, 0, { observer: true });
    grid.set('wolf', 30, 0);
    expect(changes(grid.update())).toEqual({ entered: [], left: [] });
    grid.set('wolf', 9, 0);
    expect(changes(grid.update())).toEqual({ entered: [['hero', 'wolf']], left: [] });
    grid.set('wolf', 5, 5);
    expect(changes(grid.update())).toEqual({ entered: [], left: [] });
    grid.set('wolf', 11, 0);
    expect(changes(grid.update())).toEqual({ entered: [], left: [['hero', 'wolf']] });
  });

  it('reports an observer walking up to still targets and away from them', () => {
    const grid = new InterestGrid<string>({ cellSize: 4, viewRadius: 10 });
    grid.set('hero', -50, 0, { observer: true });
    grid.set('a', 0, 0);
    grid.set('b', 20, 0);
    grid.update();
    grid.set('hero', 10, 0);
    expect(changes(grid.update())).toEqual({ entered: [['hero', 'a'], ['hero', 'b']], left: [] });
    grid.set('hero', 25, 0);
    expect(changes(grid.update())).toEqual({ entered: [], left: [['hero', 'a']] });
  });

  it('reports nothing for a pair whose moves cancel out between two updates', () => {
    const grid = new InterestGrid<string>({ cellSize: 4, viewRadius: 10 });
    grid.set('hero', 0, 0, { observer: true });
    grid.set('wolf', 5, 0);
    grid.update();
    grid.set('wolf', 50, 0);
    grid.set('wolf', 6, 0);
    grid.remove('hero');
    grid.set('hero', 1, 0);
    expect(changes(grid.update())).toEqual({ entered: [], left: [] });
  });
});

describe('InterestGrid remove', () => {
  it("reports a removed key leaving every view it was in, and a removed observer's view emptying", () => {
    const grid = new InterestGrid<string>({ cellSize: 10, viewRadius: 5 });
    grid.set('ada', 0, 0, { observer: true });
    grid.set('bob', 1, 0, { observer: true });
    grid.set('wolf', 0, 1);
    grid.update();
    grid.remove('wolf');
    expect(grid.has('wolf')).toBe(false);
    expect(grid.size).toBe(2);
    expect(changes(grid.update())).toEqual({ entered: [], left: [['ada', 'wolf'], ['bob', 'wolf']] });
    grid.remove('ada');
    expect(changes(grid.update())).toEqual({ entered: [], left: [['ada', 'bob'], ['bob', 'ada']] });
    expect(grid.viewOf('ada').size).toBe(0);
    expect(grid.nearby(0, 0, 5)).toEqual(['bob']);
  });

  it('ignores removing an unknown key or one removed already', () => {
    const grid = new InterestGrid<string>({ cellSize: 10, viewRadius: 5 });
    grid.set('a', 0, 0);
    grid.remove('a');
    grid.remove('a');
    grid.remove('ghost');
    expect(grid.size).toBe(0);
    expect(changes(grid.update())).toEqual({ entered: [], left: [] });
  });
});

describe('InterestGrid nearby', () => {
  it('returns the keys within the radius at their latest positions, into `out` when given', () => {
    const grid = new InterestGrid<string>({ cellSize: 4, viewRadius: 10 });
    grid.set('a', 0, 0);
    grid.set('b', 3, 4);
    grid.set('c', 3, 4.01);
    expect(grid.nearby(0, 0, 5).sort()).toEqual(['a', 'b']);
    grid.set('c', -1, -1); // no update(): nearby sees positions at once
    const out = ['stale'];
    expect(grid.nearby(0, 0, 5, out)).toBe(out);
    expect(out.sort()).toEqual(['a', 'b', 'c']);
    expect(grid.nearby(0, 0, 0)).toEqual(['a']);
  });
});

describe('InterestGrid input checks', () => {
  it('refuses a cellSize or viewRadius that is not positive and finite', () => {
    for (const cellSize of [0, -1, NaN, Infinity, '4' as unknown as number]) {
      expect(() => new InterestGrid({ cellSize, viewRadius: 1 }), String(cellSize)).toThrow(/cellSize must be a positive finite number/);
    }
    for (const viewRadius of [0, -1, NaN, Infinity]) {
      expect(() => new InterestGrid({ cellSize: 4, viewRadius }), String(viewRadius)).toThrow(/viewRadius must be a positive finite number/);
    }
  });

  it(`refuses a radius spanning more than ${MAX_RADIUS_CELLS} cells, naming the fix`, () => {
    expect(() => new InterestGrid({ cellSize: 1, viewRadius: MAX_RADIUS_CELLS + 0.5 })).toThrow(/viewRadius 32\.5 spans more than 32 cells of 1; use a larger cellSize/);
    const grid = new InterestGrid<string>({ cellSize: 1, viewRadius: MAX_RADIUS_CELLS });
    expect(() => grid.set('a', 0, 0, { observer: true, radius: 100 })).toThrow(/radius 100 spans more than 32 cells/);
    expect(() => grid.nearby(0, 0, 100)).toThrow(/radius 100 spans more than 32 cells/);
    expect(() => grid.nearby(0, 0, -1)).toThrow(/radius must be a non-negative finite number/);
    expect(grid.has('a')).toBe(false);
  });

  it('refuses a position that is not finite or too far from the origin, and changes nothing', () => {
    const grid = new InterestGrid<string>({ cellSize: 1, viewRadius: 1 });
    grid.set('a', 0, 0);
    for (const [x, y] of [[NaN, 0], [0, Infinity], [2 ** 40, 0]] as const) {
      expect(() => grid.set('a', x, y), `${x},${y}`).toThrow(/position .* must be finite and within/);
    }
    expect(grid.nearby(0, 0, 0)).toEqual(['a']);
  });
});

/** The reference: every observer checked against every key, the way the grid must agree with. */
class BruteForce {
  readonly keys = new Map<string, { x: number; y: number; observer: boolean; radius: number }>();
  views(): Map<string, Set<string>> {
    const views = new Map<string, Set<string>>();
    for (const [o, ov] of this.keys) {
      if (!ov.observer) continue;
      const view = new Set<string>();
      for (const [k, kv] of this.keys) {
        const dx = kv.x - ov.x;
        const dy = kv.y - ov.y;
        if (k !== o && dx * dx + dy * dy <= ov.radius * ov.radius) view.add(k);
      }
      views.set(o, view);
    }
    return views;
  }
}

const pairsOf = (views: Map<string, Set<string>>): Set<string> => new Set([...views].flatMap(([o, view]) => [...view].map((k) => `${o}|${k}`)));

describe('InterestGrid against a brute-force reference', () => {
  for (const seed of [1, 2, 3, 42]) {
    it(`agrees on views and on entered/left after each of 400 random steps (seed ${seed})`, () => {
      const random = new SeededRandom(seed);
      const cellSize = [2, 5, 8][seed % 3]!;
      const grid = new InterestGrid<string>({ cellSize, viewRadius: 6 });
      const ref = new BruteForce();
      // Integer coordinates and radii on a small map make exact-radius ties common.
      const coord = (): number => (random.chance(0.7) ? random.int(61) - 30 : random.range(-30, 30));
      let before = new Set<string>();
      for (let step = 0; step < 400; step++) {
        const ops = 1 + random.int(8);
        for (let i = 0; i < ops; i++) {
          const key = `k${random.int(40)}`;
          const roll = random.next();
          const current = ref.keys.get(key);
          if (roll < 0.1) {
            grid.remove(key);
            ref.keys.delete(key);
          } else if (roll < 0.25 || !current) {
            const observer = random.chance(0.4);
            const radius = random.chance(0.5) ? 6 : 1 + random.int(12);
            const [x, y] = [coord(), coord()];
            grid.set(key, x, y, { observer, radius });
            ref.keys.set(key, { x, y, observer, radius });
          } else {
            // A small step most of the time, a teleport sometimes.
            const [x, y] = random.chance(0.9) ? [current.x + random.int(7) - 3, current.y + random.int(7) - 3] : [coord(), coord()];
            grid.set(key, x, y);
            ref.keys.set(key, { ...current, x, y });
          }
        }
        const got = grid.update();
        const views = ref.views();
        const after = pairsOf(views);
        const entered = [...after].filter((p) => !before.has(p)).sort();
        const left = [...before].filter((p) => !after.has(p)).sort();
        expect(got.entered.map((p) => p.join('|')).sort(), `entered at step ${step}`).toEqual(entered);
        expect(got.left.map((p) => p.join('|')).sort(), `left at step ${step}`).toEqual(left);
        for (const key of ref.keys.keys()) {
          expect([...grid.viewOf(key)].sort(), `view of ${key} at step ${step}`).toEqual([...(views.get(key) ?? [])].sort());
        }
        expect(grid.size).toBe(ref.keys.size);
        const [qx, qy, qr] = [coord(), coord(), random.int(10)];
        const near = [...ref.keys].filter(([, v]) => (v.x - qx) * (v.x - qx) + (v.y - qy) * (v.y - qy) <= qr * qr).map(([k]) => k);
        expect(grid.nearby(qx, qy, qr).sort(), `nearby at step ${step}`).toEqual(near.sort());
        before = after;
      }
    });
  }
});
