/**
 * Versions of the RPC contract (what the envelopes between servers mean), negotiated per link so
 * that servers of two builds work together during a rolling upgrade. Each server speaks a range of
 * contract versions; the dialer's HELLO carries its range, the acceptor picks the highest version
 * both speak and names it in its WELCOME, and the link speaks that version in both directions.
 * No common version: the acceptor refuses the link with RPC_ERR_VERSION. Every server publishes
 * its range in its registration (meta {@link RPC_RANGE_META_KEY}), so that a dialer knows before
 * dialing, and a gate binds sessions only to lobbies whose range meets its own.
 *
 * A server that states no range (a build from before ranges) speaks {@link LEGACY_RPC_CONTRACT}:
 * a dialer sends such a peer the HELLO it knows, without a range, and an acceptor takes a HELLO
 * without one as that version.
 */

/** A range of versions a server speaks, both ends included. */
export type VersionRange = readonly [min: number, max: number];

/** The contract version of a peer that states no range. */
export const LEGACY_RPC_CONTRACT = 1;

/** The RPC contract versions this build speaks. Raise `max` when the contract changes, `min` when an old version is dropped. */
export const RPC_CONTRACT_RANGE: VersionRange = [1, 1];

/** The registration meta key of a server's RPC contract range (`"1-1"`). */
export const RPC_RANGE_META_KEY = 'rpc';

/** The registration meta key of a server's client protocol range (`"1-1"`; engine/protocol/hello.ts). */
export const PROTOCOL_RANGE_META_KEY = 'protocol';

/** Whether `value` is a version range: whole numbers from 1, `min` ≤ `max`. */
export function isVersionRange(value: readonly unknown[]): value is VersionRange {
  const [min, max] = value;
  return value.length === 2 && Number.isSafeInteger(min) && Number.isSafeInteger(max) && (min as number) >= 1 && (min as number) <= (max as number);
}

/** The highest version in both ranges, or undefined when they do not meet. */
export function highestCommonVersion(a: VersionRange, b: VersionRange): number | undefined {
  const high = Math.min(a[1], b[1]);
  return high >= Math.max(a[0], b[0]) ? high : undefined;
}

/** Whether `version` lies in `range`. */
export function inRange(version: number, range: VersionRange): boolean {
  return version >= range[0] && version <= range[1];
}

/** `"min-max"`, as registrations publish a range. */
export function formatRange(range: VersionRange): string {
  return `${range[0]}-${range[1]}`;
}

/** The range `"min-max"` names, or undefined for anything else (absent, malformed). */
export function parseRange(text: string | undefined): VersionRange | undefined {
  const match = text === undefined ? null : /^(\d{1,9})-(\d{1,9})$/.exec(text);
  if (!match) return undefined;
  const range = [Number(match[1]), Number(match[2])];
  return isVersionRange(range) ? range : undefined;
}

/**
 * Whether a server whose registration meta is `meta` speaks an RPC contract version in `own`: its
 * published range meets `own`, or it publishes none and `own` holds {@link LEGACY_RPC_CONTRACT}.
 */
export function speaksWith(own: VersionRange, meta: Readonly<Record<string, string>>): boolean {
  return highestCommonVersion(own, parseRange(meta[RPC_RANGE_META_KEY]) ?? [LEGACY_RPC_CONTRACT, LEGACY_RPC_CONTRACT]) !== undefined;
}
