/**
 * Least-load selection that counts its own picks. A server's load is what it last reported, every
 * few seconds (`cluster.loadReportIntervalMs`); between two reports, every pick would go to the
 * same server, so a burst of logins landed on one gate and a burst of binds on one lobby. This
 * selector adds to a server's reported sessions the picks it made since that report, and forgets
 * them when the server reports again (a new `load` object: discovery replaces it on each report).
 */
import type { ServerInfo } from './discovery.js';
import { compareLoad, leastLoaded, type SelectOptions, type Selector } from './select.js';

interface Picks {
  /** The report the picks were made after. */
  readonly load: ServerInfo['load'];
  count: number;
}

/** Picks the server with the fewest sessions, counting those it sent there since the server's last report. */
export class LeastLoadSelector implements Selector {
  private readonly picks = new Map<string, Picks>();

  /**
   * @param score lower is less loaded, given the server and the picks made since its last report;
   *   ties go to the lowest id. Default: {@link compareLoad} with the picks added to the sessions.
   */
  constructor(private readonly score?: (server: ServerInfo, picksSinceReport: number) => number) {}

  select(servers: readonly ServerInfo[], _key?: string, options?: SelectOptions): ServerInfo | undefined {
    const since = (server: ServerInfo): number => {
      const picks = this.picks.get(server.id);
      return picks && picks.load === server.load ? picks.count : 0;
    };
    const score = this.score;
    const picked = score
      ? leastLoaded(servers, (server) => score(server, since(server)))
      : servers.reduce<ServerInfo | undefined>((best, server) => {
          if (!best) return server;
          const order = server.load.sessions + since(server) - (best.load.sessions + since(best));
          return order < 0 || (order === 0 && compareLoad(server, best) < 0) ? server : best;
        }, undefined);
    if (!picked || options?.peek) return picked;
    const count = since(picked) + 1;
    this.picks.set(picked.id, { load: picked.load, count });
    // Servers no longer among the candidates are forgotten, so the map stays as large as the cluster.
    if (this.picks.size > servers.length) {
      const ids = new Set(servers.map((server) => server.id));
      for (const id of this.picks.keys()) if (!ids.has(id)) this.picks.delete(id);
    }
    return picked;
  }
}
