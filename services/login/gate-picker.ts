/**
 * Which gate a player is sent to: the least loaded registered gate that publishes its client
 * endpoints and identity key (gate.ts `meta`).
 */
import type { Discovery, ServerInfo } from '../../engine/cluster/discovery.js';
import { leastLoaded } from '../../engine/cluster/select.js';
import type { GateEndpoint, PickGate } from '../../engine/auth/gate-endpoint.js';

/** The endpoint a gate publishes, or `undefined` when it publishes none. */
export function gateEndpointOf(server: ServerInfo): GateEndpoint | undefined {
  const { publicKey, tcp, ws, kcp } = server.meta;
  if (!publicKey || (!tcp && !ws && !kcp)) return undefined;
  return { id: server.id, publicKey, ...(tcp ? { tcp } : {}), ...(ws ? { ws } : {}), ...(kcp ? { kcp } : {}) };
}

/**
 * A {@link PickGate} over the gates in `discovery`.
 * @param gateType the server type of gates: `gate`, or `standalone` in one process.
 */
export function pickGateFrom(discovery: Discovery, gateType = 'gate'): PickGate {
  return () => {
    const gate = leastLoaded(discovery.servers(gateType).filter((server) => gateEndpointOf(server) !== undefined));
    return gate && gateEndpointOf(gate);
  };
}
