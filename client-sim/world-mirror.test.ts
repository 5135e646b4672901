import { describe, expect, it } from 'vitest';
import type { SyncMessage } from '../engine/sync/sync-message.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { ManualClock } from '../engine/timer/clock.js';
import { failureOf } from './fixtures/failure-of.js';
import { WorldMirror, type MirrorEntity, type MirrorSpace } from './world-mirror.js';

const FIELD = { id: 'field@lobby-1', type: 'field', tickHz: 20 };

function message(parts: Partial<SyncMessage>): SyncMessage {
  return { tick: 1, snapshot: false, enter: [], change: [], leave: [], ...parts };
}

const hero = { net: 1, id: 'e-hero', type: 'Hero', values: { Position: { x: 1, y: 2 }, Health: { hp: 10 } } };
const wolf = { net: 2, id: 'e-wolf', type: 'Monster', values: { Position: { x: 5, y: 5 } } };

/** A mirror with a memory logger and a record of every event its listeners got. */
function recorded() {
  const logger = new MemoryLogger();
  const clock = new ManualClock();
  const world = new WorldMirror({ clock, logger });
  const events: string[] = [];
  world.onAdd((e) => events.push(`add ${e.id}`));
  world.onChange((e, changed) => events.push(`change ${e.id} ${JSON.stringify(changed)}`));
  world.onRemove((e) => events.push(`remove ${e.id}`));
  world.onSpace((s) => events.push(`space ${s.id} ${s.lobbyId} ${s.tickHz}`));
  return { world, logger, clock, events };
}

describe('WorldMirror applies sync messages', () => {
  it('takes a snapshot, then enters, changes and leaves, keeping entities by id and by net number', () => {
    const { world, events } = recorded();
    world.apply(message({ snapshot: true, space: FIELD, enter: [hero] }));
    expect(world.space).toEqual({ id: FIELD.id, type: 'field', tickHz: 20, lobbyId: undefined });
    expect(world.get('e-hero')).toEqual({ id: 'e-hero', type: 'Hero', net: 1, values: { Position: { x: 1, y: 2 }, Health: { hp: 10 } } });
    expect(world.byNet(1)).toBe(world.get('e-hero'));

    world.apply(message({ tick: 2, enter: [wolf], change: [{ net: 1, values: { Position: { x: 3 } } }] }));
    expect(world.get('e-hero')!.values).toEqual({ Position: { x: 3, y: 2 }, Health: { hp: 10 } });
    expect([...world.entities.keys()]).toEqual(['e-hero', 'e-wolf']);

    world.apply(message({ tick: 3, leave: [2], change: [{ net: 1, values: { Health: { hp: 9 }, Buff: { on: true } } }] }));
    expect(world.get('e-wolf')).toBeUndefined();
    expect(world.byNet(2)).toBeUndefined();
    expect(world.get('e-hero')!.values).toEqual({ Position: { x: 3, y: 2 }, Health: { hp: 9 }, Buff: { on: true } });
    expect(events).toEqual([
      'space field@lobby-1 undefined 20',
      'add e-hero',
      'add e-wolf',
      'change e-hero {"Position":{"x":3}}',
      'remove e-wolf',
      'change e-hero {"Health":{"hp":9},"Buff":{"on":true}}',
    ]);
    expect(world.faults).toBe(0);
  });

  it('applies leaves before enters, so that a net number may leave and enter in one message', () => {
    const { world, events } = recorded();
    world.apply(message({ snapshot: true, space: FIELD, enter: [wolf] }));
    world.apply(message({ leave: [2], enter: [{ ...wolf, values: { Position: { x: 0, y: 0 } } }] }));
    expect(world.get('e-wolf')!.values).toEqual({ Position: { x: 0, y: 0 } });
    expect(events.slice(1)).toEqual(['add e-wolf', 'remove e-wolf', 'add e-wolf']);
    expect(world.faults).toBe(0);
  });

  it("keeps its own copy of an enter's values, which later messages change and the decoded message does not", () => {
    const { world } = recorded();
    const enter = { net: 1, id: 'e-hero', type: 'Hero', values: { Position: { x: 1, y: 2 } } };
    world.apply(message({ snapshot: true, space: FIELD, enter: [enter] }));
    world.apply(message({ change: [{ net: 1, values: { Position: { x: 7 } } }] }));
    expect(enter.values.Position.x).toBe(1);
    expect(world.get('e-hero')!.values.Position).toEqual({ x: 7, y: 2 });
  });

  it('empties itself on a snapshot after a space change, calling onRemove for every entity it held', () => {
    const { world, events } = recorded();
    world.applySpace({ spaceId: FIELD.id, type: 'field', lobbyId: 'lobby-1' });
    world.apply(message({ snapshot: true, space: FIELD, enter: [hero, wolf] }));
    expect(world.space).toEqual({ id: FIELD.id, type: 'field', lobbyId: 'lobby-1', tickHz: 20 });
    world.applySpace({ spaceId: 'match-7', type: 'match', lobbyId: 'lobby-2' });
    expect(world.space).toEqual({ id: 'match-7', type: 'match', lobbyId: 'lobby-2', tickHz: undefined });
    world.apply(message({ snapshot: true, space: { id: 'match-7', type: 'match', tickHz: 30 }, enter: [{ ...hero, net: 4 }] }));
    expect(world.space).toEqual({ id: 'match-7', type: 'match', lobbyId: 'lobby-2', tickHz: 30 });
    expect(world.byNet(4)!.id).toBe('e-hero');
    expect(world.byNet(1)).toBeUndefined();
    expect([...world.entities.keys()]).toEqual(['e-hero']);
    expect(events).toEqual([
      'space field@lobby-1 lobby-1 undefined',
      'space field@lobby-1 lobby-1 20',
      'add e-hero',
      'add e-wolf',
      'space match-7 lobby-2 undefined',
      'remove e-hero',
      'remove e-wolf',
      'space match-7 lobby-2 30',
      'add e-hero',
    ]);
  });

  it('starts over on a snapshot of the same space (a resume) without calling onSpace', () => {
    const { world, events } = recorded();
    world.apply(message({ snapshot: true, space: FIELD, enter: [hero, wolf] }));
    world.apply(message({ snapshot: true, space: FIELD, enter: [hero] }));
    expect([...world.entities.keys()]).toEqual(['e-hero']);
    expect(events).toEqual(['space field@lobby-1 undefined 20', 'add e-hero', 'add e-wolf', 'remove e-hero', 'remove e-wolf', 'add e-hero']);
  });
});

describe('WorldMirror protocol faults', () => {
  it('counts and logs a change or leave for an unknown net number and an enter of a known one, skipping only those', () => {
    const { world, logger, events } = recorded();
    world.apply(message({ snapshot: true, space: FIELD, enter: [hero] }));
    world.apply(
      message({
        tick: 5,
        enter: [{ ...wolf, net: 1 }, { ...wolf, net: 9, id: 'e-hero' }, wolf],
        change: [{ net: 77, values: { Position: { x: 0 } } }, { net: 1, values: { Health: { hp: 1 } } }],
        leave: [55],
      }),
    );
    expect(world.faults).toBe(4);
    expect(world.get('e-wolf')!.net).toBe(2);
    expect(world.get('e-hero')!.values.Health).toEqual({ hp: 1 });
    expect(events.slice(-2)).toEqual(['add e-wolf', 'change e-hero {"Health":{"hp":1}}']);
    expect(logger.at('warn').map((l) => [l.meta.reason, l.meta.net])).toEqual([
      ['leave-unknown', 55],
      ['enter-known', 1],
      ['enter-duplicate-id', 9],
      ['change-unknown', 77],
    ]);
  });

  it('logs one line per kind of fault in ten seconds, however many come', () => {
    const { world, logger, clock } = recorded();
    for (let i = 0; i < 50; i++) world.apply(message({ change: [{ net: 3, values: {} }] }));
    expect(world.faults).toBe(50);
    expect(logger.at('warn')).toHaveLength(1);
    clock.advance(10_000);
    world.apply(message({ change: [{ net: 3, values: {} }] }));
    expect(logger.at('warn')[1]!.meta).toMatchObject({ reason: 'change-unknown', suppressed: 49 });
  });

  it('counts bytes that do not decode, and any bytes without a decoder, as faults', () => {
    const logger = new MemoryLogger();
    const decoding = new WorldMirror({
      logger,
      decoder: {
        decode: (bytes) => {
          if (bytes[0] !== 1) throw new Error('bad bytes');
          return message({ snapshot: true, space: FIELD, enter: [hero] });
        },
      },
    });
    decoding.receive(new Uint8Array([9]));
    expect(decoding.faults).toBe(1);
    decoding.receive(new Uint8Array([1]));
    expect(decoding.get('e-hero')).toBeDefined();
    const without = new WorldMirror({ logger });
    without.receive(new Uint8Array([1]));
    expect(without.faults).toBe(1);
    expect(logger.at('warn').map((l) => l.meta.reason)).toEqual(['undecodable', 'no-decoder']);
  });

  it('counts a space push that is not { spaceId, type, lobbyId } as a fault and keeps the space', () => {
    const { world } = recorded();
    world.applySpace({ spaceId: 'a', type: 'field', lobbyId: 'l' });
    for (const body of [undefined, null, 'a', { spaceId: 1, type: 'field', lobbyId: 'l' }, { spaceId: 'b', type: 'field' }]) world.applySpace(body);
    expect(world.faults).toBe(5);
    expect(world.space?.id).toBe('a');
  });

  it('never copies a __proto__ or an inherited key into an entity', () => {
    const { world } = recorded();
    const values = JSON.parse('{"__proto__":{"polluted":true},"constructor":{"x":1},"Position":{"__proto__":{"y":2},"x":3}}');
    world.apply(message({ snapshot: true, space: FIELD, enter: [{ net: 1, id: 'e', type: 'T', values }] }));
    const entity = world.get('e')!;
    expect(Object.getPrototypeOf(entity.values)).toBe(Object.prototype);
    expect(Object.keys(entity.values)).toEqual(['constructor', 'Position']);
    expect(entity.values.Position).toEqual({ x: 3 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object as unknown as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('WorldMirror listeners', () => {
  it('logs a listener that throws and still calls the others; unsubscribing stops a listener', () => {
    const logger = new MemoryLogger();
    const world = new WorldMirror({ logger });
    const seen: string[] = [];
    world.onAdd(() => {
      throw new Error('renderer broke');
    });
    const off = world.onAdd((e: MirrorEntity) => seen.push(e.id));
    const spaces: MirrorSpace[] = [];
    const offSpace = world.onSpace((s) => spaces.push(s));
    world.apply(message({ snapshot: true, space: FIELD, enter: [hero] }));
    off();
    offSpace();
    world.apply(message({ enter: [wolf] }));
    world.applySpace({ spaceId: 'x', type: 'field', lobbyId: 'l' });
    expect(seen).toEqual(['e-hero']);
    expect(spaces.map((s) => s.id)).toEqual([FIELD.id]);
    expect(world.entities.size).toBe(2);
    expect(logger.at('error').map((l) => [l.message, (l.meta.err as Error).message])).toEqual([
      ['world mirror: an onAdd listener threw', 'renderer broke'],
      ['world mirror: an onAdd listener threw', 'renderer broke'],
    ]);
  });
});

describe('WorldMirror.waitFor', () => {
  it('resolves at once when the condition holds, or after the message that makes it hold', async () => {
    const { world } = recorded();
    await world.waitFor((w) => w.entities.size === 0, 0);
    const waiting = world.waitFor((w) => w.get('e-wolf')?.values.Position?.x === 6, 1_000);
    world.apply(message({ snapshot: true, space: FIELD, enter: [wolf] }));
    world.apply(message({ change: [{ net: 2, values: { Position: { x: 6 } } }] }));
    await expect(waiting).resolves.toBeUndefined();
    const spaced = world.waitFor((w) => w.space?.lobbyId === 'lobby-9');
    world.applySpace({ spaceId: 'm', type: 'match', lobbyId: 'lobby-9' });
    await expect(spaced).resolves.toBeUndefined();
  });

  it('fails with CLIENT_ERR_WAIT_TIMEOUT when the condition does not hold in time on its clock', async () => {
    const { world, clock } = recorded();
    const waiting = failureOf(world.waitFor((w) => w.entities.size > 0, 500));
    clock.advance(499);
    world.apply(message({ snapshot: true, space: FIELD }));
    clock.advance(1);
    const err = await waiting;
    expect(err).toMatchObject({ name: 'ClientError', code: 'CLIENT_ERR_WAIT_TIMEOUT' });
    expect(err.message).toContain('did not hold within 500 ms');
  });

  it('rejects with what the predicate threw, and refuses a bad timeout with CLIENT_ERR_INVALID_OPTIONS', async () => {
    const { world, clock } = recorded();
    await expect(world.waitFor(() => {
      throw new Error('bad predicate');
    })).rejects.toThrow('bad predicate');
    await expect(world.waitFor(() => true, -1)).rejects.toMatchObject({ code: 'CLIENT_ERR_INVALID_OPTIONS' });
    await expect(world.waitFor(() => true, NaN)).rejects.toMatchObject({ code: 'CLIENT_ERR_INVALID_OPTIONS' });
    expect(clock.pendingCount).toBe(0);
  });

  it("ends early with the signal's reason when it is aborted, leaving no timer", async () => {
    const { world, clock } = recorded();
    const controller = new AbortController();
    const waiting = world.waitFor((w) => w.entities.size > 0, 500, controller.signal);
    expect(clock.pendingCount).toBe(1);
    controller.abort(new Error('run stopped'));
    await expect(waiting).rejects.toThrow('run stopped');
    expect(clock.pendingCount).toBe(0);
    await expect(world.waitFor(() => true, 500, controller.signal)).rejects.toThrow('run stopped');
  });
});
