/**
 * Which gate a player is sent to: the least loaded registered gate that publishes its client
 * endpoints and identity key (gate.ts `meta`), counting the players sent there since its last load
 * report; and every such gate, where the client resumes its session when it loses its own. A
 * draining gate is neither picked nor listed.
 */
import type { Discovery, ServerInfo } from '../../engine/cluster/discovery.js';
import { LeastLoadSelector } from '../../engine/cluster/least-load-selector.js';
import { serving } from '../../engine/cluster/select.js';
import type { GateEndpoint, ListGates, PickGate } from '../../engine/auth/gate-endpoint.js';

/** The endpoint a gate publishes, or `undefined` when it publishes none. */
export function gateEndpointOf(server: ServerInfo): GateEndpoint | undefined {
  const { publicKey, tcp, ws, kcp } = server.meta;
  if (!publicKey || (!tcp && !ws && !kcp)) return undefined;
  return { id: server.id, publicKey, ...(tcp ? { tcp } : {}), ...(ws ? { ws } : {}), ...(kcp ? { kcp } : {}) };
}

/**
 * A {@link PickGate} over the gates in `discovery`: the one with the fewest sessions, counting the
 * players it sent there since that gate's last load report, so that a burst of logins is spread.
 * @param gateType the server type of gates: `gate`, or `standalone` in one process.
 */
export function pickGateFrom(discovery: Discovery, gateType = 'gate'): PickGate {
  const selector = new LeastLoadSelector();
  return () => {
    const gate = selector.select(serving(discovery.servers(gateType)).filter((server) => gateEndpointOf(server) !== undefined));
    return gate && gateEndpointOf(gate);
  };
}

/**
 * A {@link ListGates} over the gates in `discovery`: every registered gate that publishes its
 * endpoints and identity key, in id order.
 * @param gateType the server type of gates: `gate`, or `standalone` in one process.
 */
export function listGatesFrom(discovery: Discovery, gateType = 'gate'): ListGates {
  return () =>
    serving(discovery.servers(gateType))
      .map(gateEndpointOf)
      .filter((gate): gate is GateEndpoint => gate !== undefined)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
