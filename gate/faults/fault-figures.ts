/**
 * What the fault suite measures from the players' ledger: requests that failed (by code) in a
 * span of time, connections that closed, and which acknowledged items the store is missing.
 */
import type { LedgerLine } from './fixtures/ledger-scenario.js';

/** Failed requests with `from <= t < to`, by `route code`. */
export function failuresBetween(lines: readonly LedgerLine[], from: number, to: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const l of lines) {
    if (l.kind !== 'fail' || l.t < from || l.t >= to) continue;
    const key = `${l.route} ${l.code}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** The sum of a count table's values. */
export function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** The acknowledged items, by uid. */
export function acknowledgedItems(lines: readonly LedgerLine[]): Map<string, string[]> {
  const byUid = new Map<string, string[]>();
  for (const l of lines) {
    if (l.kind !== 'ack' || l.item === undefined) continue;
    const items = byUid.get(l.uid) ?? [];
    items.push(l.item);
    byUid.set(l.uid, items);
  }
  return byUid;
}

/** The items of purchases refused with `code` (kept by the lobby, to be saved later), by uid. */
export function refusedItems(lines: readonly LedgerLine[], code: string): Map<string, string[]> {
  const byUid = new Map<string, string[]>();
  for (const l of lines) {
    if (l.kind !== 'fail' || l.code !== code || l.item === undefined) continue;
    byUid.set(l.uid, [...(byUid.get(l.uid) ?? []), l.item]);
  }
  return byUid;
}

/** The acknowledged items that `stored` lacks, as `uid: item` lines. */
export function missingItems(acknowledged: ReadonlyMap<string, readonly string[]>, stored: ReadonlyMap<string, readonly string[]>): string[] {
  const missing: string[] = [];
  for (const [uid, items] of acknowledged) {
    const have = new Set(stored.get(uid) ?? []);
    for (const item of items) if (!have.has(item)) missing.push(`${uid}: ${item}`);
  }
  return missing;
}

/** Connections that ended before `until` (when the run was told to stop), as `uid code` lines. */
export function closedConnections(lines: readonly LedgerLine[], until: number): string[] {
  return lines.filter((l) => l.kind === 'closed' && l.t < until).map((l) => `${l.uid} ${l.code}`);
}
