/**
 * The JSON values stored under the etcd keys (see etcd-keys.ts), read defensively: anything can be
 * written under the prefix by hand or by another version, and a bad value must not break a member.
 */
import type { Mailbox, ServerInfo } from './discovery.js';
import { checkMeta, freezeServer } from './registration.js';

/** The stored form of a server. */
export function encodeServer(server: ServerInfo): string {
  const { id, type, address, version, startedAt, load, meta, draining } = server;
  const { sessions, entities, eventLoopLagMs, cpu } = load;
  return JSON.stringify({ id, type, address, version, startedAt, load: { sessions, entities, eventLoopLagMs, cpu }, meta, ...(draining ? { draining: true } : {}) });
}

/** The stored form of a mailbox. */
export function encodeMailbox(mailbox: Mailbox): string {
  return JSON.stringify({ serverId: mailbox.serverId, entityId: mailbox.entityId });
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** The server stored under the key of `id`, frozen, or `undefined` when the value is not one. */
export function decodeServer(id: string, text: string): ServerInfo | undefined {
  const o = parseObject(text);
  if (!o || o.id !== id || typeof o.type !== 'string' || typeof o.address !== 'string' || typeof o.version !== 'string') return undefined;
  if (typeof o.startedAt !== 'number' || !Number.isFinite(o.startedAt)) return undefined;
  const load = o.load as Record<string, unknown> | null | undefined;
  if (typeof load !== 'object' || load === null) return undefined;
  const { sessions, entities, eventLoopLagMs, cpu } = load;
  if (!isCount(sessions) || !isCount(entities) || !isCount(eventLoopLagMs) || !isCount(cpu)) return undefined;
  // Servers of an older version publish no meta.
  const meta = o.meta ?? {};
  try {
    checkMeta(meta);
  } catch {
    return undefined;
  }
  // Only a literal true marks a server draining; servers of an older version never write the field.
  const draining = o.draining === true ? { draining: true } : {};
  return freezeServer({ id, type: o.type, address: o.address, version: o.version, startedAt: o.startedAt, load: { sessions, entities, eventLoopLagMs, cpu }, meta: { ...(meta as Record<string, string>) }, ...draining });
}

/** The stored mailbox, frozen, or `undefined` when the value is not one. */
export function decodeMailbox(text: string): Mailbox | undefined {
  const o = parseObject(text);
  if (!o || typeof o.serverId !== 'string' || typeof o.entityId !== 'string') return undefined;
  return Object.freeze({ serverId: o.serverId, entityId: o.entityId });
}
