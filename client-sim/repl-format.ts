/**
 * How the REPL (repl.ts) prints what comes back: replies, pushes and errors, one line each, values
 * as JSON. Pure.
 */
import { ClientError } from './errors.js';

/** Longest printed value, in characters; the rest is cut with a note. */
export const MAX_PRINTED = 4_000;

/** A value as JSON (`undefined` for none, binary as its length), cut at {@link MAX_PRINTED}. */
export function formatValue(value: unknown): string {
  const text =
    value === undefined
      ? 'undefined'
      : JSON.stringify(value, (_key, v: unknown) => (v instanceof Uint8Array ? `<${v.length} bytes>` : typeof v === 'bigint' ? v.toString() : v));
  return text.length > MAX_PRINTED ? `${text.slice(0, MAX_PRINTED)}… (${text.length} characters)` : text;
}

/** The line for a request's reply. */
export function formatReply(route: string, value: unknown): string {
  return `< ${route} ${formatValue(value)}`;
}

/** The line for a push. */
export function formatPush(route: string, body: unknown): string {
  return `push ${route} ${formatValue(body)}`;
}

/** The line for a failure: the server's code first when it said why, else the SDK's. */
export function formatError(err: unknown): string {
  if (err instanceof ClientError) {
    if (err.serverCode) return `error ${err.serverCode}${err.wireCode === undefined ? '' : ` (${err.wireCode})`}: ${err.serverMessage ?? err.message}${err.errorId ? ` (id ${err.errorId})` : ''}`;
    return `error ${err.code}: ${err.message}`;
  }
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}
