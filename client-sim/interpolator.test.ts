import { describe, expect, it } from 'vitest';
import type { SyncMessage } from '../engine/sync/sync-message.js';
import { ManualClock } from '../engine/timer/clock.js';
import { Interpolator } from './interpolator.js';
import { WorldMirror } from './world-mirror.js';

function message(parts: Partial<SyncMessage>): SyncMessage {
  return { tick: 1, snapshot: false, enter: [], change: [], leave: [], ...parts };
}

/** A mirror at 20 Hz holding one wolf at (0, 0), entered at the clock's start `T0`. */
function following(options: ConstructorParameters<typeof Interpolator>[1] = {}) {
  const clock = new ManualClock();
  const world = new WorldMirror({ clock });
  const smooth = new Interpolator(world, options);
  world.apply(message({ snapshot: true, space: { id: 's', type: 'field', tickHz: 20 }, enter: [{ net: 1, id: 'wolf', type: 'Monster', values: { Position: { x: 0, y: 0 } } }] }));
  /** Moves the wolf to (x, y) `ms` after the previous message. */
  const move = (ms: number, x: number, y: number): void => {
    clock.advance(ms);
    world.apply(message({ change: [{ net: 1, values: { Position: { x, y } } }] }));
  };
  return { clock, world, smooth, move, T0: clock.now() };
}

describe('Interpolator', () => {
  it('renders two ticks of the space rate behind, linear between samples', () => {
    const { smooth, move, T0 } = following();
    expect(smooth.delayMs).toBe(100);
    move(50, 10, 0);
    move(50, 20, 10);
    expect(smooth.positionAt('wolf', T0 + 100)).toEqual({ x: 0, y: 0 });
    expect(smooth.positionAt('wolf', T0 + 125)).toEqual({ x: 5, y: 0 });
    expect(smooth.positionAt('wolf', T0 + 150)).toEqual({ x: 10, y: 0 });
    expect(smooth.positionAt('wolf', T0 + 180)).toEqual({ x: 16, y: 6 });
  });

  it('clamps to the first sample before them all and to the latest after them all', () => {
    const { smooth, move, T0 } = following();
    move(50, 10, 0);
    expect(smooth.positionAt('wolf', T0 - 1_000)).toEqual({ x: 0, y: 0 });
    expect(smooth.positionAt('wolf', T0 + 150)).toEqual({ x: 10, y: 0 });
    expect(smooth.positionAt('wolf', T0 + 10_000)).toEqual({ x: 10, y: 0 });
  });

  it('takes its delay from the snapshot rate, or a fixed delayMs', () => {
    const clock = new ManualClock();
    const world = new WorldMirror({ clock });
    const byRate = new Interpolator(world);
    const fixed = new Interpolator(world, { delayMs: 30 });
    expect(byRate.delayMs).toBe(100);
    world.apply(message({ snapshot: true, space: { id: 's', type: 'match', tickHz: 40 } }));
    expect([byRate.delayMs, fixed.delayMs]).toEqual([50, 30]);
  });

  it('holds the old position after a pause until one tick before the next sample', () => {
    const { smooth, move, T0 } = following();
    move(1_000, 10, 0); // stood still for a second, then one tick's step
    expect(smooth.positionAt('wolf', T0 + 1_000)).toEqual({ x: 0, y: 0 });
    expect(smooth.positionAt('wolf', T0 + 1_075)).toEqual({ x: 5, y: 0 });
    expect(smooth.positionAt('wolf', T0 + 1_100)).toEqual({ x: 10, y: 0 });
  });

  it('reads configured component and field names, ignoring changes of other fields', () => {
    const clock = new ManualClock();
    const world = new WorldMirror({ clock });
    const smooth = new Interpolator(world, { component: 'Transform', xField: 'px', yField: 'py', delayMs: 0 });
    const T0 = clock.now();
    world.apply(message({ snapshot: true, enter: [{ net: 1, id: 'a', type: 'T', values: { Transform: { px: 1, py: 2 }, Position: { x: 9, y: 9 } } }] }));
    clock.advance(10);
    world.apply(message({ change: [{ net: 1, values: { Transform: { rot: 1 } } }] }));
    clock.advance(10);
    world.apply(message({ change: [{ net: 1, values: { Transform: { px: 3 } } }] }));
    expect(smooth.positionAt('a', T0 + 10)).toEqual({ x: 2, y: 2 });
    expect(smooth.positionAt('a', T0 + 20)).toEqual({ x: 3, y: 2 });
  });

  it('has no position for an entity without one, and forgets an entity that leaves', () => {
    const { world, smooth, T0 } = following();
    world.apply(message({ enter: [{ net: 2, id: 'sign', type: 'Sign', values: { Label: { text: 'hi' } } }] }));
    expect(smooth.positionAt('sign', T0)).toBeUndefined();
    expect(smooth.positionAt('wolf', T0)).toEqual({ x: 0, y: 0 });
    world.apply(message({ leave: [1] }));
    expect(smooth.positionAt('wolf', T0)).toBeUndefined();
  });

  it('keeps at most maxSamples per entity, dropping the oldest', () => {
    const { smooth, move, T0 } = following({ maxSamples: 3, delayMs: 0 });
    for (let i = 1; i <= 5; i++) move(50, i * 10, 0);
    expect(smooth.positionAt('wolf', T0)).toEqual({ x: 30, y: 0 });
    expect(smooth.positionAt('wolf', T0 + 225)).toEqual({ x: 45, y: 0 });
  });

  it('replaces a sample taken at the same time and ignores an older one; fills `out` when given', () => {
    const { smooth, T0 } = following({ delayMs: 0 });
    smooth.sample('wolf', T0, 4, 4);
    smooth.sample('wolf', T0 - 10, 100, 100);
    const out = { x: -1, y: -1 };
    expect(smooth.positionAt('wolf', T0, out)).toBe(out);
    expect(out).toEqual({ x: 4, y: 4 });
  });

  it('stops following the mirror on dispose, and starts with what the mirror holds', () => {
    const { world, smooth, move, T0 } = following({ delayMs: 0 });
    smooth.dispose();
    move(50, 10, 0);
    expect(smooth.positionAt('wolf', T0 + 50)).toBeUndefined();
    const late = new Interpolator(world, { delayMs: 0 });
    expect(late.positionAt('wolf', T0 + 50)).toEqual({ x: 10, y: 0 });
  });

  it('refuses options out of range with CLIENT_ERR_INVALID_OPTIONS', () => {
    const world = new WorldMirror({ clock: new ManualClock() });
    for (const options of [{ delayMs: -1 }, { delayMs: Infinity }, { maxSamples: 1 }, { maxSamples: 2.5 }, { component: '' }]) {
      expect(() => new Interpolator(world, options), JSON.stringify(options)).toThrow(expect.objectContaining({ name: 'ClientError', code: 'CLIENT_ERR_INVALID_OPTIONS' }));
    }
  });
});
