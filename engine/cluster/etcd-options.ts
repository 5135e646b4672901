import type { Logger } from '../log/types.js';
import type { Clock } from '../timer/clock.js';
import type { Backoff } from '../timer/backoff.js';
import { DiscoveryError } from './errors.js';
import { EtcdKeys } from './etcd-keys.js';

/** Options for {@link EtcdDiscovery}; `hosts`, `prefix` and `leaseTtlSeconds` come from the `etcd` configuration. */
export interface EtcdDiscoveryOptions {
  /** etcd endpoints, e.g. `http://10.0.0.5:2379`. */
  hosts: readonly string[];
  /** Key prefix of this cluster, e.g. `/tessera`; trailing slashes are ignored. */
  prefix: string;
  /** Lease TTL, an integer >= 1; a dead server disappears about this long after its last renewal. */
  leaseTtlSeconds: number;
  clock: Clock;
  logger: Logger;
  /** The lease counts as lost this long before its TTL runs out (default max(500, TTL/4), at most TTL/2). */
  leaseMarginMs?: number;
  /** Longest any etcd call may take (default 5,000 ms). */
  requestTimeoutMs?: number;
  /** Delays between attempts to register again or to list again (default 250 ms doubling to 5 s, jittered). */
  retry?: Backoff;
}

/** {@link EtcdDiscoveryOptions} checked, with every default filled in. */
export interface ResolvedEtcdOptions extends Required<Omit<EtcdDiscoveryOptions, 'prefix'>> {
  keys: EtcdKeys;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
const DEFAULT_RETRY: Backoff = { baseMs: 250, maxMs: 5_000 };

function invalid(detail: string): never {
  throw new DiscoveryError('DISCOVERY_ERR_INVALID_ARGUMENT', detail);
}

/**
 * Checks the options and fills in the defaults.
 * @throws DiscoveryError `DISCOVERY_ERR_INVALID_ARGUMENT` naming the first bad option.
 */
export function resolveEtcdOptions(options: EtcdDiscoveryOptions): ResolvedEtcdOptions {
  const { hosts, leaseTtlSeconds } = options;
  if (!Array.isArray(hosts) || hosts.length === 0 || !hosts.every((h) => typeof h === 'string' && /^https?:\/\/\S+$/.test(h))) {
    invalid(`hosts: one or more http:// or https:// etcd endpoints, got ${JSON.stringify(hosts)}`);
  }
  const keys = new EtcdKeys(options.prefix);
  if (!Number.isInteger(leaseTtlSeconds) || leaseTtlSeconds < 1) invalid(`leaseTtlSeconds must be an integer >= 1, got ${leaseTtlSeconds}`);
  const ttlMs = leaseTtlSeconds * 1000;
  const leaseMarginMs = options.leaseMarginMs ?? Math.min(Math.max(500, ttlMs / 4), ttlMs / 2);
  if (!(leaseMarginMs >= 0 && leaseMarginMs < ttlMs)) invalid(`leaseMarginMs must be >= 0 and below the TTL, got ${leaseMarginMs}`);
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!(requestTimeoutMs > 0 && Number.isFinite(requestTimeoutMs))) invalid(`requestTimeoutMs must be a finite number > 0, got ${requestTimeoutMs}`);
  const retry = options.retry ?? DEFAULT_RETRY;
  if (!(retry.baseMs > 0 && retry.maxMs >= retry.baseMs)) invalid(`retry needs baseMs > 0 and maxMs >= baseMs, got ${JSON.stringify(retry)}`);
  return { hosts, keys, leaseTtlSeconds, leaseMarginMs, requestTimeoutMs, retry, clock: options.clock, logger: options.logger };
}
