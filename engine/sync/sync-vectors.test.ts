/**
 * The hex vectors of docs/sync.md: the messages of a small fixed scenario must be byte for byte
 * what the doc shows, and decode to what the doc says.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Component } from '../ecs/component.js';
import { Entity } from '../ecs/entity.js';
import { EntityRegistry } from '../ecs/entity-registry.js';
import { World } from '../ecs/world.js';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import { SpaceSync, type SyncObserver } from './space-sync.js';
import { SyncDecoder } from './sync-decoder.js';
import { SyncSchema } from './sync-schema.js';

class Spot extends Component {
  static override hot = { x: 'f32', y: 'f32' } as const;
  static override sync = { x: { quantize: 0.01 }, y: { quantize: 0.01 } } as const;
  declare x: number;
  declare y: number;
}
class Badge extends Component {
  static override hot = { hp: 'u8' } as const;
  static override sync = { name: 'public', hp: 'public' } as const;
  declare hp: number;
  name = '';
}
class Pouch extends Component {
  static override sync = { gold: 'owner' } as const;
  gold = 0;
}
class Orb extends Entity {
  static override components = [Spot, Badge, Pouch];
}

/** The vectors of docs/sync.md by name. */
function docVectors(): Map<string, string> {
  const doc = readFileSync(new URL('../../docs/sync.md', import.meta.url), 'utf8');
  const found = new Map<string, string>();
  for (const m of doc.matchAll(/<!-- vector ([a-z-]+) -->\s*```text\n([^`]*)```/g)) found.set(m[1]!, m[2]!.replace(/\s+/g, ''));
  return found;
}

/** The scenario: one Orb, its owner and a viewer, over four steps. */
function scenario(): Map<string, Uint8Array> {
  const registry = new EntityRegistry().register('Orb', Orb);
  const world = new World({ logger: new MemoryLogger(), clock: new ManualClock(), registry });
  const sync = new SpaceSync({ world, schema: new SyncSchema(registry), space: { id: 'arena-1', type: 'arena', tickHz: 20 } });
  const orb = world.spawn(Orb, { id: 'orb-1' });
  Object.assign(orb.get(Spot), { x: 1.5, y: -2.25 });
  Object.assign(orb.get(Badge), { name: 'Ann', hp: 100 });
  orb.get(Pouch).gold = 10;
  const step = (viewer: Entity[]): Map<string, Uint8Array> => {
    world.step(0.05);
    const observers: SyncObserver[] = [
      { key: 'owner', owner: orb, view: new Set(), snapshot: false },
      { key: 'viewer', view: new Set(viewer), snapshot: false },
    ];
    return sync.step(observers);
  };
  const out = new Map<string, Uint8Array>();
  const first = step([orb]);
  out.set('snapshot-viewer', first.get('viewer')!);
  out.set('snapshot-owner', first.get('owner')!);
  orb.get(Spot).x = 1.75;
  orb.get(Pouch).gold = 15;
  const second = step([orb]);
  out.set('change-viewer', second.get('viewer')!);
  out.set('change-owner', second.get('owner')!);
  const third = step([]);
  out.set('leave-viewer', third.get('viewer')!);
  out.set('idle-owner', third.get('owner')!);
  return out;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('the hex vectors of docs/sync.md', () => {
  const messages = scenario();
  const vectors = docVectors();

  it('shows every message of the scenario, byte for byte', () => {
    expect([...vectors.keys()].sort()).toEqual([...messages.keys()].sort());
    for (const [name, bytes] of messages) expect(vectors.get(name), `vector ${name}: ${hex(bytes)}`).toBe(hex(bytes));
  });

  it('decodes them to what the doc says', () => {
    const viewer = new SyncDecoder();
    const owner = new SyncDecoder();
    const ann = { Spot: { x: 1.5, y: -2.25 }, Badge: { name: 'Ann', hp: 100 } };
    expect(viewer.decode(messages.get('snapshot-viewer')!)).toEqual({
      tick: 1,
      snapshot: true,
      space: { id: 'arena-1', type: 'arena', tickHz: 20 },
      enter: [{ net: 1, id: 'orb-1', type: 'Orb', values: ann }],
      change: [],
      leave: [],
    });
    expect(owner.decode(messages.get('snapshot-owner')!).enter).toEqual([{ net: 1, id: 'orb-1', type: 'Orb', values: { ...ann, Pouch: { gold: 10 } } }]);
    expect(viewer.decode(messages.get('change-viewer')!)).toEqual({ tick: 2, snapshot: false, enter: [], change: [{ net: 1, values: { Spot: { x: 1.75 } } }], leave: [] });
    expect(owner.decode(messages.get('change-owner')!).change).toEqual([{ net: 1, values: { Spot: { x: 1.75 }, Pouch: { gold: 15 } } }]);
    expect(viewer.decode(messages.get('leave-viewer')!)).toEqual({ tick: 3, snapshot: false, enter: [], change: [], leave: [1] });
    expect(owner.decode(messages.get('idle-owner')!)).toEqual({ tick: 3, snapshot: false, enter: [], change: [], leave: [] });
  });
});
