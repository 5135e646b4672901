/**
 * What a rolling upgrade asks of the cluster, through the admin API on the services role
 * (services/admin/): the registered servers, their lifecycle states, a drain.
 */
import type { ServerEntry, StatsEntry } from '../../services/admin/cluster-admin.js';
import { UpgradeError } from './errors.js';

/** How long one call to the admin API may take. */
export const ADMIN_CALL_TIMEOUT_MS = 10_000;

/** The admin API as a roll uses it; each call throws UpgradeError UPGRADE_ERR_ADMIN when it fails. */
export interface RollAdmin {
  /** `GET /admin/servers`. */
  servers(): Promise<ServerEntry[]>;
  /** `GET /admin/stats`: each server's live figures and state. */
  stats(): Promise<StatsEntry[]>;
  /** `POST /admin/servers/{id}/drain`. */
  drain(id: string): Promise<void>;
}

/**
 * The admin API at `baseUrl` (the services role's HTTP address), called with the API key `apiKey`
 * (one of `admin.apiKeys`, or an admin token).
 */
export function httpRollAdmin(baseUrl: string, apiKey: string): RollAdmin {
  const base = baseUrl.replace(/\/+$/, '');
  const call = async <T>(method: 'GET' | 'POST', path: string): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${apiKey}` }, signal: AbortSignal.timeout(ADMIN_CALL_TIMEOUT_MS) });
    } catch (err) {
      throw new UpgradeError('UPGRADE_ERR_ADMIN', `${method} ${base}${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const text = await res.text();
    if (!res.ok) throw new UpgradeError('UPGRADE_ERR_ADMIN', `${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  };
  return {
    servers: async () => (await call<{ servers: ServerEntry[] }>('GET', '/admin/servers')).servers,
    stats: async () => (await call<{ servers: StatsEntry[] }>('GET', '/admin/stats')).servers,
    drain: async (id) => {
      await call('POST', `/admin/servers/${encodeURIComponent(id)}/drain`);
    },
  };
}
