/**
 * Which failed calls are worth trying again later: those the cluster caused while it changes (a
 * server died or left, an owner is being replaced, a peer is too busy), as opposed to those the
 * call itself caused (a method that is not callable, arguments that cannot be encoded) or the
 * handler's own errors.
 */
import { RpcError, type RpcErrorCode } from './errors.js';

const RETRYABLE: ReadonlySet<RpcErrorCode> = new Set([
  'RPC_ERR_DEADLINE_EXCEEDED',
  'RPC_ERR_LINK_LOST',
  'RPC_ERR_OVERLOADED',
  'RPC_ERR_PEER_UNREACHABLE',
  'RPC_ERR_UNKNOWN_SERVER',
  'RPC_ERR_NO_SUCH_ENTITY',
  'RPC_ERR_UNKNOWN_NAME',
  'RPC_ERR_QUEUE_FULL',
]);

/**
 * Whether `err` is an {@link RpcError} that a later try of the same call may not meet: the peer
 * died or left (`RPC_ERR_LINK_LOST`, `RPC_ERR_PEER_UNREACHABLE`, `RPC_ERR_UNKNOWN_SERVER`), the
 * target is between owners (`RPC_ERR_NO_SUCH_ENTITY`, `RPC_ERR_UNKNOWN_NAME`), no answer in time
 * (`RPC_ERR_DEADLINE_EXCEEDED`), or the callee is busy (`RPC_ERR_OVERLOADED`, `RPC_ERR_QUEUE_FULL`).
 * A call that failed with `RPC_ERR_LINK_LOST` or `RPC_ERR_DEADLINE_EXCEEDED` may have run: try it
 * again only when running it twice is harmless.
 */
export function isRetryable(err: unknown): boolean {
  return err instanceof RpcError && RETRYABLE.has(err.code);
}
