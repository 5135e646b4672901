import { hostname } from 'node:os';
import type { Config } from './config-schema.js';

/**
 * This process's server id: `server.id` when configured, else `<role>-<hostname>-<pid>`, which
 * stays unique among processes on one host and tells a reader where to look.
 */
export function serverIdOf(server: Config['server'], host: string = hostname(), pid: number = process.pid): string {
  if (server.id) return server.id;
  const safeHost = host.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 63) || 'host';
  return `${server.role}-${safeHost}-${pid}`;
}
