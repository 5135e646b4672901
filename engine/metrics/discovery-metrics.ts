/**
 * Cluster membership's metrics, all read from discovery when Prometheus scrapes: whether this
 * server holds its lease, what it did with it, and the servers it sees by type.
 */
import type { Registry } from 'prom-client';
import type { Discovery } from '../cluster/discovery.js';
import { ROLES } from '../config/config-schema.js';
import { pulledCounter, pulledGauge } from './pulled-metrics.js';

const KNOWN_TYPES: ReadonlySet<string> = new Set(ROLES);

/**
 * Registers the `tessera_discovery_*` metrics of `discovery` in `registry`.
 * @param discovery the server's membership, read at each scrape.
 * @throws Error when the metrics are registered there already.
 */
export function registerDiscoveryMetrics(registry: Registry, discovery: Pick<Discovery, 'stats' | 'servers'>): void {
  pulledGauge(registry, { name: 'tessera_discovery_registered', help: '1 while this server holds its discovery lease, else 0.' }, () => (discovery.stats().registered ? 1 : 0));
  pulledGauge(registry, { name: 'tessera_discovery_servers', help: 'Live servers this server sees in the cluster, itself included, by type (a type that is not a role: other).', labelNames: ['type'] }, () => {
    const byType = new Map<string, number>();
    for (const server of discovery.servers()) {
      const type = KNOWN_TYPES.has(server.type) ? server.type : 'other';
      byType.set(type, (byType.get(type) ?? 0) + 1);
    }
    return [...byType].map(([type, count]) => [{ type }, count] as const);
  });
  pulledCounter(registry, { name: 'tessera_discovery_lease_renewals_total', help: 'Renewals of this server\'s discovery lease that succeeded.' }, () => discovery.stats().leaseRenewals);
  pulledCounter(registry, { name: 'tessera_discovery_lease_losses_total', help: 'Times this server lost its discovery lease (it registers again after each).' }, () => discovery.stats().leaseLosses);
}
