/// <reference lib="dom" />
/**
 * The servers table: one row per server discovery knows, with its version, uptime and last load
 * report, and a Drain button (asking for confirmation first) on those not already draining.
 */
import type { ServerInfo } from './admin-types.js';
import { textElement } from './dom.js';
import { formatCount, formatCpu, formatMs, formatUptime } from './format.js';

/** Servers in table order: by type, then id. */
export function sortServers(servers: readonly ServerInfo[]): ServerInfo[] {
  return [...servers].sort((a, b) => a.type.localeCompare(b.type) || a.id.localeCompare(b.id));
}

/**
 * Fills `body` (the table's tbody) with a row per server.
 * @param onDrain called with a server's id once its Drain button is pressed and confirmed.
 */
export function renderServers(body: HTMLTableSectionElement, servers: readonly ServerInfo[], nowMs: number, onDrain: (id: string) => void): void {
  const rows = sortServers(servers).map((server) => {
    const row = document.createElement('tr');
    row.dataset.server = server.id;
    const id = textElement('th', server.id);
    id.scope = 'row';
    row.append(
      id,
      textElement('td', server.type),
      textElement('td', server.address || server.host),
      textElement('td', server.version),
      textElement('td', formatUptime(server.startedAt, nowMs)),
      textElement('td', formatCount(server.load.sessions)),
      textElement('td', formatCount(server.load.entities)),
      textElement('td', formatCpu(server.load.cpu)),
      textElement('td', formatMs(server.load.eventLoopLagMs)),
      textElement('td', server.draining ? 'draining' : 'serving'),
    );
    const actions = document.createElement('td');
    if (!server.draining) {
      const drain = textElement('button', 'Drain');
      drain.type = 'button';
      drain.setAttribute('aria-label', `Drain ${server.id}`);
      drain.addEventListener('click', () => {
        if (window.confirm(`Drain ${server.id}? It stops taking work, saves and shuts down.`)) onDrain(server.id);
      });
      actions.append(drain);
    }
    row.append(actions);
    return row;
  });
  body.replaceChildren(...rows);
}
