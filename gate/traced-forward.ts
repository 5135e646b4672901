/**
 * With tracing on, each client request or notify the gate forwards is a span `gate <route>`
 * (SERVER), the root of its trace: the RPC call to the lobby and everything the lobby does for it
 * are its descendants.
 */
import type { Tracing } from '../engine/tracing/tracing.js';
import type { AgentContext } from './agent.js';

/** Caps a client's route in a span name and attribute, as in log lines. */
const MAX_ROUTE_CHARS = 128;

/** `forward` of an {@link AgentContext}, each call a span of `tracing`. */
export function tracedForward(tracing: Tracing, sessions: Pick<AgentContext, 'forward'>): AgentContext['forward'] {
  return (agent, route, args, reply) => {
    const shown = route.slice(0, MAX_ROUTE_CHARS);
    const attributes = { 'tessera.route': shown, 'tessera.transport': agent.transport.kind, 'tessera.reply': reply };
    return tracing.inSpan(`gate ${shown}`, 'server', attributes, 'active-or-root', () => sessions.forward(agent, route, args, reply));
  };
}
