/**
 * Builds the configured {@link Discovery}: in memory for a process that is the whole cluster
 * (standalone), in etcd otherwise.
 */
import type { Config } from '../config/config-schema.js';
import type { Logger } from '../log/types.js';
import type { Clock } from '../timer/clock.js';
import type { Discovery } from './discovery.js';
import { EtcdDiscovery } from './etcd-discovery.js';
import { MemoryCluster, MemoryDiscovery } from './memory-discovery.js';

/** The discovery that `config.cluster.discovery` names, with its settings. */
export function createDiscovery(config: Pick<Config, 'cluster' | 'etcd'>, clock: Clock, logger: Logger): Discovery {
  if (config.cluster.discovery === 'memory') {
    return new MemoryDiscovery({ cluster: new MemoryCluster({ clock }), clock, logger, leaseTtlMs: config.etcd.leaseTtlSeconds * 1000 });
  }
  return new EtcdDiscovery({
    hosts: config.etcd.hosts,
    prefix: config.etcd.prefix,
    leaseTtlSeconds: config.etcd.leaseTtlSeconds,
    clock,
    logger,
    ...(config.cluster.leaseMarginMs === undefined ? {} : { leaseMarginMs: config.cluster.leaseMarginMs }),
  });
}
