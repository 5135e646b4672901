/**
 * Servers that refused work for being full (a lobby hosting `lobby.maxSpaces` spaces), each
 * remembered until it publishes its next load report: a picker leaves them out meanwhile rather
 * than asking again at every pick, and asks again once a new report says what the server holds
 * now. It holds at most one entry per server discovery lists; the others are forgotten at each pick.
 */
import type { LoadReport, ServerInfo } from './discovery.js';

/** Which servers said they were full, as of their last load report. */
export class FullServers {
  /** The load report each full server showed when it refused. */
  private readonly full = new Map<string, LoadReport>();

  /** Remembers `server` as full until it reports its load again. */
  mark(server: ServerInfo): void {
    this.full.set(server.id, server.load);
  }

  /**
   * `servers` less those that refused under the load report they still show, in the same order.
   * Forgets the servers that reported since, and those no longer listed.
   */
  without(servers: readonly ServerInfo[]): ServerInfo[] {
    const live = new Map(servers.map((s) => [s.id, s.load]));
    for (const [id, report] of this.full) if (live.get(id) !== report) this.full.delete(id);
    return servers.filter((s) => !this.full.has(s.id));
  }
}
