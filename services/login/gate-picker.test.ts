import { describe, expect, it } from 'vitest';
import type { ServerInfo } from '../../engine/cluster/discovery.js';
import { MemoryCluster, MemoryDiscovery } from '../../engine/cluster/memory-discovery.js';
import { ManualClock } from '../../engine/timer/clock.js';
import { MemoryLogger } from '../../engine/testing/memory-logger.js';
import { gateEndpointOf, listGatesFrom, pickGateFrom } from './gate-picker.js';

const server = (id: string, meta: Record<string, string>, sessions = 0): ServerInfo => ({
  id,
  type: 'gate',
  address: '127.0.0.1:1',
  version: '1',
  startedAt: 0,
  load: { sessions, entities: 0, eventLoopLagMs: 0, cpu: 0 },
  meta,
});

describe('gate picker', () => {
  it('reads the endpoints a gate publishes and ignores gates that publish none', () => {
    expect(gateEndpointOf(server('gate-1', { publicKey: 'k', tcp: 'h:1', ws: 'ws://h:2/' }))).toEqual({ id: 'gate-1', publicKey: 'k', tcp: 'h:1', ws: 'ws://h:2/' });
    expect(gateEndpointOf(server('gate-2', { tcp: 'h:1' }))).toBeUndefined();
    expect(gateEndpointOf(server('gate-3', { publicKey: 'k' }))).toBeUndefined();
  });

  it('sends players to the least loaded gate that clients can reach', async () => {
    const clock = new ManualClock();
    const cluster = new MemoryCluster({ clock });
    const discovery = new MemoryDiscovery({ cluster, clock, logger: new MemoryLogger() });
    await discovery.start();
    const pick = pickGateFrom(discovery);
    expect(pick('u1')).toBeUndefined();
    const load = { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 };
    const other = new MemoryDiscovery({ cluster, clock, logger: new MemoryLogger() });
    await other.start();
    await other.register({ id: 'gate-busy', type: 'gate', address: '127.0.0.1:1', version: '1', startedAt: 0, load: { ...load, sessions: 9 }, meta: { publicKey: 'a', tcp: 'h:1' } });
    const third = new MemoryDiscovery({ cluster, clock, logger: new MemoryLogger() });
    await third.start();
    await third.register({ id: 'gate-idle', type: 'gate', address: '127.0.0.1:2', version: '1', startedAt: 0, load, meta: { publicKey: 'b', tcp: 'h:2' } });
    await new Promise((resolve) => setImmediate(resolve));
    expect(pick('u1')?.id).toBe('gate-idle');
    // A burst of logins before the gates report again: the idle gate takes players until it has
    // the busy one's 9 (and a tie, which goes to the fewer reported), then they alternate, rather
    // than all going to the gate reported idle.
    const burst = Array.from({ length: 11 }, (_, i) => pick(`u${i + 2}`)?.id);
    expect(burst).toEqual([...Array<string>(9).fill('gate-idle'), 'gate-busy', 'gate-idle']);
    // Once the idle gate reports its 10 players, those picks are forgotten: the report has them.
    await third.reportLoad({ ...load, sessions: 10 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(pick('u13')?.id).toBe('gate-busy');
    expect(listGatesFrom(discovery)().map((gate) => gate.id)).toEqual(['gate-busy', 'gate-idle']);
    // A draining gate takes no new player and is not listed for resumes.
    await third.markDraining();
    expect(pick('u1')?.id).toBe('gate-busy');
    expect(listGatesFrom(discovery)().map((gate) => gate.id)).toEqual(['gate-busy']);
  });
});
