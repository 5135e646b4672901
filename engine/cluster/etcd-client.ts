/**
 * The etcd client as discovery uses it: every unary call bounded by a deadline, no hidden retry
 * delays, and errors turned into {@link DiscoveryError}s.
 */
import { Etcd3, isRecoverableError, type IOptions } from 'etcd3';
import { DiscoveryError } from './errors.js';

type FaultPolicy = NonNullable<NonNullable<IOptions['faultHandling']>['global']>;

// Handed to policies' callbacks, which etcd3 never reads; a signal that never aborts.
const POLICY_CONTEXT = { signal: new AbortController().signal };

/**
 * A fault policy that tries a call up to `attempts` times at once on recoverable errors. etcd3
 * picks the next host in its shuffled order on each attempt, so with one attempt per host a call
 * fails over across the cluster without waiting. Our own loops (keep-alive, re-registration,
 * re-listing) decide when to try again, on the injected clock.
 */
function tryEachHost(attempts: number): FaultPolicy {
  const policy = {
    async execute<T>(fn: (context: typeof POLICY_CONTEXT) => PromiseLike<T> | T): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await fn(POLICY_CONTEXT);
        } catch (err) {
          if (attempt >= attempts || !(err instanceof Error) || !isRecoverableError(err)) throw err;
        }
      }
    },
  };
  // etcd3 only calls execute(); the policy's event properties exist for cockatiel's own users.
  return policy as unknown as FaultPolicy;
}

/** Options for {@link createEtcdClient}. */
export interface EtcdClientOptions {
  /** Endpoints, e.g. `http://127.0.0.1:2379`. */
  hosts: readonly string[];
  /** Longest a unary call may take, across all hosts tried. */
  requestTimeoutMs: number;
}

/**
 * An etcd client for discovery. Unary calls get a deadline of `requestTimeoutMs` (etcd3 1.1.2
 * documents `dialTimeout` but never reads it, so deadlines are what bound a call to an unreachable
 * etcd). Streams get none: the watch stream lives as long as the member, and keep-alive calls
 * pass their own. etcd3's default circuit breaker, which refuses every call to a host for 5 s
 * after three failures, is replaced by {@link tryEachHost}, so a restarted etcd is used at once.
 */
export function createEtcdClient(options: EtcdClientOptions): Etcd3 {
  const perHostMs = options.requestTimeoutMs / options.hosts.length;
  const passThrough = tryEachHost(1);
  return new Etcd3({
    hosts: [...options.hosts],
    // gRPC deadlines are wall-clock instants, read against the system clock inside gRPC itself.
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + perHostMs }),
    faultHandling: {
      host: () => passThrough,
      global: tryEachHost(options.hosts.length),
    },
  });
}

/**
 * The error to give a caller for a failed etcd operation: a {@link DiscoveryError} as it is,
 * anything else as `DISCOVERY_ERR_UNAVAILABLE` with the etcd error as its cause.
 */
export function unavailable(what: string, err: unknown): DiscoveryError {
  if (err instanceof DiscoveryError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new DiscoveryError('DISCOVERY_ERR_UNAVAILABLE', `${what}: ${detail}`, { cause: err });
}
