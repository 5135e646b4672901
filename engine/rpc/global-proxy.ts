/**
 * Calls to a global entity: the one instance in the cluster of a singleton a game declares (a
 * world boss, a leaderboard), behind the cluster-wide name {@link globalName}. Its owner may die
 * or drain and another lobby take it over; a call bridges the handover within its deadline:
 *
 * - while no live owner holds the name, or the call failed without being run (no such entity:
 *   the owner let it go; the owner's server is unknown or cannot be dialed), the call waits
 *   `retryMs` and looks the name up again, until its deadline;
 * - a call that reached an owner that died (RPC_ERR_LINK_LOST) or ran out of time may have run:
 *   it fails at once with that code, which {@link isRetryable} accepts, and the caller decides
 *   whether to try again;
 * - when the deadline passes with no owner, it fails with RPC_ERR_DEADLINE_EXCEEDED.
 *
 * Every call settles by its deadline.
 */
import type { Mailbox } from '../cluster/discovery.js';
import type { Clock } from '../timer/clock.js';
import { RpcError, type RpcErrorCode } from './errors.js';
import { remoteService, type EntityCaller, type RemoteEntity } from './remote-proxy.js';

/** The discovery name under which the owner of global `name` is found. */
export function globalName(name: string): string {
  return `global:${name}`;
}

/** Time between two looks for an owner while a call waits (default of {@link GlobalCallOptions.retryMs}). */
export const GLOBAL_RETRY_MS = 50;

/** Failures of a call that did not run the method: the call looks for the owner again. */
const NOT_RUN: ReadonlySet<RpcErrorCode> = new Set(['RPC_ERR_UNKNOWN_NAME', 'RPC_ERR_NO_SUCH_ENTITY', 'RPC_ERR_UNKNOWN_SERVER', 'RPC_ERR_PEER_UNREACHABLE']);

/** How calls to one global entity are made. */
export interface GlobalCallOptions {
  /** The whole call's time, waiting for an owner included. */
  timeoutMs: number;
  /** Time between two looks for an owner (default {@link GLOBAL_RETRY_MS}). */
  retryMs?: number;
  /** Trace id to send. */
  traceId?: string;
}

/** What a global proxy needs: a caller, a name lookup and a clock for the waits. */
export interface GlobalProxyParts {
  caller: EntityCaller;
  /** The mailbox behind a discovery name, if a live server holds it. */
  resolve(name: string): Mailbox | undefined;
  clock: Clock;
}

/**
 * A proxy for global `name`: `globalEntity(parts, 'boss', { timeoutMs: 5_000 }).Health.hit(3)`.
 * See the file's header for what a call does during a handover.
 */
export function globalEntity<T>(parts: GlobalProxyParts, name: string, options: GlobalCallOptions): RemoteEntity<T> {
  return new Proxy(
    {},
    {
      get: (_, component) => {
        if (typeof component !== 'string' || component === 'then' || component === 'toJSON') return undefined;
        return remoteService((method, args) => callGlobal(parts, name, component, method, args, options));
      },
    },
  ) as RemoteEntity<T>;
}

async function callGlobal(parts: GlobalProxyParts, name: string, component: string, method: string, args: readonly unknown[], options: GlobalCallOptions): Promise<unknown> {
  const { clock } = parts;
  const deadline = clock.now() + options.timeoutMs;
  const retryMs = options.retryMs ?? GLOBAL_RETRY_MS;
  const key = globalName(name);
  let last: RpcError | undefined;
  for (;;) {
    const left = deadline - clock.now();
    if (left <= 0) throw new RpcError('RPC_ERR_DEADLINE_EXCEEDED', `global ${name}: no owner answered within ${options.timeoutMs} ms`, last ? { cause: last } : undefined);
    const owner = parts.resolve(key);
    if (owner) {
      try {
        return await parts.caller.callEntity(owner, component, method, args, { timeoutMs: left, ...(options.traceId === undefined ? {} : { traceId: options.traceId }) });
      } catch (err) {
        if (!(err instanceof RpcError) || !NOT_RUN.has(err.code)) throw err;
        last = err;
      }
    }
    await pause(clock, Math.min(retryMs, deadline - clock.now()));
  }
}

function pause(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(resolve, ms));
}
