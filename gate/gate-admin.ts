/**
 * What a gate lends the `admin` RPC service (engine/admin/admin-service.ts): its sessions, a
 * push to all of them, and a reload of its route rules.
 */
import type { GateAdmin } from '../engine/admin/admin-contract.js';
import type { Gate } from './gate.js';
import type { RouteRuleSet } from './route-rules.js';

/**
 * The admin view of `gate`.
 * @param loadRules reads the rules of the configuration files, for a reload without rules (as SIGHUP does).
 */
export function gateAdmin(gate: Gate, loadRules: () => RouteRuleSet): GateAdmin {
  return {
    get sessionCount() {
      return gate.sessions.count;
    },
    session: (sessionId) => gate.sessions.describe(sessionId),
    broadcast: async (route, body) => {
      const sessionIds = gate.sessions.records().map((record) => record.sessionId);
      await gate.sessions.push(sessionIds, route, body);
      return sessionIds.length;
    },
    reloadRules: (rules) => {
      // The gate checks every action; a bad one throws and the old rules stay.
      gate.reloadRules((rules ?? loadRules()) as RouteRuleSet);
      return gate.routeRules;
    },
  };
}
