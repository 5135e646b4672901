import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MemoryCluster, MemoryDiscovery } from '../cluster/memory-discovery.js';
import type { Registration } from '../cluster/discovery.js';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import { registerDiscoveryMetrics } from './discovery-metrics.js';
import { metricValue } from './fixtures/metric-values.js';

const registration = (type: string): Registration => ({ type, host: 'h', address: '127.0.0.1:7000', version: '1', startedAt: 0, load: { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 } });

describe('registerDiscoveryMetrics', () => {
  it('serves whether the server holds its lease, its renewals and losses, and the servers it sees by type', async () => {
    const clock = new ManualClock();
    const cluster = new MemoryCluster({ clock });
    const member = () => new MemoryDiscovery({ cluster, clock, logger: new MemoryLogger(), leaseTtlMs: 3_000 });
    const [self, gate, lobby, stranger] = [member(), member(), member(), member()];
    for (const d of [self, gate, lobby, stranger]) await d.start();
    const registry = new Registry();
    registerDiscoveryMetrics(registry, self);
    expect(await metricValue(registry, 'tessera_discovery_registered')).toBe(0);
    const me = await self.register(registration('lobby'));
    await gate.register(registration('gate'));
    await lobby.register(registration('lobby'));
    await stranger.register(registration('tool'));
    await Promise.resolve(); // the member sees the others' registrations a turn later
    expect(await metricValue(registry, 'tessera_discovery_registered')).toBe(1);
    expect(await metricValue(registry, 'tessera_discovery_servers', { type: 'lobby' })).toBe(2);
    expect(await metricValue(registry, 'tessera_discovery_servers', { type: 'gate' })).toBe(1);
    expect(await metricValue(registry, 'tessera_discovery_servers', { type: 'other' })).toBe(1);
    clock.advance(2_000); // two renewals, one every second
    expect(await metricValue(registry, 'tessera_discovery_lease_renewals_total')).toBe(2);
    expect(await metricValue(registry, 'tessera_discovery_lease_losses_total')).toBe(0);
    cluster.expireServer(me.id);
    await gate.stop();
    clock.advance(1_000); // the next renewal finds the lease gone and registers again
    expect(await metricValue(registry, 'tessera_discovery_lease_losses_total')).toBe(1);
    expect(await metricValue(registry, 'tessera_discovery_registered')).toBe(1);
    expect(await metricValue(registry, 'tessera_discovery_servers', { type: 'gate' })).toBeUndefined();
    await self.stop();
    expect(await metricValue(registry, 'tessera_discovery_registered')).toBe(0);
    for (const d of [lobby, stranger]) await d.stop();
  });
});
