/** Maps the `rpc` configuration section onto {@link RpcNodeOptions}. */
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/config-schema.js';
import type { RpcNodeOptions } from './rpc-node.js';

/**
 * The options of an RpcNode that come from configuration; the caller adds the rest. Without
 * `rpc.secret` (standalone: loadConfig requires it for every other role) the node gets a random
 * secret of its own, and so can link to no other process.
 */
export function rpcOptionsFromConfig(
  rpc: Config['rpc'],
  advertiseHost: string,
): Pick<RpcNodeOptions, 'secret' | 'handshakes' | 'host' | 'port' | 'advertiseHost' | 'codecLimits' | 'link' | 'defaultTimeoutMs' | 'connectTimeoutMs' | 'reconnect' | 'maxPendingCalls' | 'maxLinks' | 'maxInFlight'> {
  return {
    secret: rpc.secret === undefined ? randomBytes(32) : Buffer.from(rpc.secret, 'utf8'),
    handshakes: { maxPerAddress: rpc.maxHandshakesPerAddress, maxTotal: rpc.maxHandshakes, timeoutMs: rpc.helloTimeoutMs },
    host: rpc.host,
    port: rpc.port,
    advertiseHost,
    codecLimits: { ...rpc.limits },
    link: {
      heartbeatIntervalMs: rpc.heartbeatIntervalMs,
      deadAfterMs: rpc.deadAfterMs,
      handshakeTimeoutMs: rpc.handshakeTimeoutMs,
      maxQueuedBytes: rpc.maxQueuedBytes,
    },
    defaultTimeoutMs: rpc.defaultTimeoutMs,
    connectTimeoutMs: rpc.connectTimeoutMs,
    reconnect: { baseMs: rpc.reconnectBaseMs, maxMs: rpc.reconnectMaxMs },
    maxPendingCalls: rpc.maxPendingCalls,
    maxLinks: rpc.maxLinks,
    maxInFlight: rpc.maxInFlight,
  };
}
