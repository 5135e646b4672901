import { describe, expect, it } from 'vitest';
import type { GateClient } from '../client-sim/gate-client.js';
import { WorldMirror } from '../client-sim/world-mirror.js';
import { ManualClock } from '../engine/timer/clock.js';
import { TestClient } from './test-client.js';

describe('TestClient', () => {
  it("gives the SDK connection's world mirror as client.world", async () => {
    const world = new WorldMirror({ clock: new ManualClock() });
    const gate = { world, on: () => () => undefined, onClose: () => () => undefined } as unknown as GateClient;
    const client = new TestClient(gate, { username: 'ada', uid: 'u1', transport: 'tcp' }, new ManualClock(), 10, () => undefined);
    expect(client.world).toBe(world);
    world.apply({ tick: 1, snapshot: true, space: { id: 's', type: 'field', tickHz: 20 }, enter: [{ net: 1, id: 'e', type: 'Hero', values: {} }], change: [], leave: [] });
    await client.world.waitFor((w) => w.get('e') !== undefined, 0);
  });
});
