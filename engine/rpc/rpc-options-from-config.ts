/** Maps the `rpc` configuration section onto {@link RpcNodeOptions}. */
import type { Config } from '../config/config-schema.js';
import type { RpcNodeOptions } from './rpc-node.js';

/** The options of an RpcNode that come from configuration; the caller adds the rest. */
export function rpcOptionsFromConfig(
  rpc: Config['rpc'],
  advertiseHost: string,
): Pick<RpcNodeOptions, 'host' | 'port' | 'advertiseHost' | 'codecLimits' | 'link' | 'defaultTimeoutMs' | 'connectTimeoutMs' | 'reconnect' | 'maxPendingCalls' | 'maxLinks' | 'maxInFlight'> {
  return {
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
