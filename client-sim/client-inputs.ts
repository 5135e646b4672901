/**
 * Checks of what the SDK is given (by the application or by the login reply) before any of it is
 * used, so that a wrong value fails with a {@link ClientError} naming it instead of an error from
 * deep inside (`atob`, `new URL`, the handshake). Browser-safe: no Node imports.
 */
import { fromBase64 } from '../engine/protocol/bytes.js';
import { MAX_ROUTE_BYTES } from '../engine/protocol/constants.js';
import { ClientError } from './errors.js';

const GATE_KEY_BYTES = 32;
// 32 bytes are 43 base64 characters and one `=` of padding (optional here).
const GATE_KEY_BASE64 = /^[A-Za-z0-9+/]{43}=?$/;
// The gate's own cap on a token (auth.maxTokenBytes) is at most 64 KiB.
const MAX_TOKEN_CHARS = 64 * 1024;
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
// A UTF-16 code unit is at most 3 UTF-8 bytes: routes this short need no encoding to check.
const SURELY_SHORT_ROUTE = Math.floor(MAX_ROUTE_BYTES / 3);
const utf8 = new TextEncoder();

function describe(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  return value === null ? 'null' : `a value of type ${typeof value}`;
}

/**
 * The gate's identity key as bytes.
 * @param key base64 (as the login reply's `gate.publicKey`) or the 32 bytes themselves.
 * @param source where the key came from, for the message (e.g. `gateKey`).
 * @throws ClientError CLIENT_ERR_INVALID_GATE_KEY unless it is 32 bytes, or base64 of 32 bytes.
 */
export function decodeGateKey(key: unknown, source = 'gateKey'): Uint8Array {
  if (key instanceof Uint8Array && key.length === GATE_KEY_BYTES) return key;
  if (typeof key === 'string' && GATE_KEY_BASE64.test(key)) return fromBase64(key);
  const why = typeof key === 'string' && /[^A-Za-z0-9+/=]/.test(key) ? ' with characters outside base64' : '';
  throw new ClientError('CLIENT_ERR_INVALID_GATE_KEY', `${source} is ${describe(key)}${why}; expected 44 base64 characters or 32 bytes`);
}

/**
 * @throws ClientError CLIENT_ERR_INVALID_TOKEN unless `token` is 1 to 65,536 visible ASCII characters
 *   (a login token is a compact JWS: base64url parts joined by dots).
 */
export function checkToken(token: unknown): string {
  if (typeof token === 'string' && token.length <= MAX_TOKEN_CHARS && VISIBLE_ASCII.test(token)) return token;
  const why = typeof token !== 'string' || token.length === 0 ? '' : token.length > MAX_TOKEN_CHARS ? ', over 65,536' : ' with spaces or non-ASCII characters';
  throw new ClientError('CLIENT_ERR_INVALID_TOKEN', `token is ${describe(token)}${why}; pass the token from the login reply`);
}

/**
 * @returns `route` when it is a string of 1 to 255 UTF-8 bytes.
 * @throws ClientError CLIENT_ERR_INVALID_ROUTE otherwise.
 */
export function checkRoute(route: unknown): string {
  if (typeof route === 'string' && route.length > 0 && (route.length <= SURELY_SHORT_ROUTE || utf8.encode(route).length <= MAX_ROUTE_BYTES)) return route;
  const shown = typeof route === 'string' ? `${JSON.stringify(route.slice(0, 40))}${route.length > 40 ? '…' : ''} (${utf8.encode(route).length} bytes)` : describe(route);
  throw new ClientError('CLIENT_ERR_INVALID_ROUTE', `route is ${shown}`);
}

function parseUrl(url: unknown, what: string, schemes: readonly string[]): URL {
  let parsed: URL | undefined;
  try {
    if (typeof url === 'string') parsed = new URL(url);
  } catch {
    // Reported below, with what was expected.
  }
  if (!parsed || !schemes.includes(parsed.protocol)) {
    const shown = typeof url === 'string' ? JSON.stringify(url.slice(0, 200)) : describe(url);
    throw new ClientError('CLIENT_ERR_INVALID_ENDPOINT', `${what} ${shown} is not a ${schemes.map((s) => `${s}//`).join(' or ')} URL`);
  }
  return parsed;
}

/**
 * @returns `url` when it is a `ws://` or `wss://` URL (a gate's WebSocket endpoint).
 * @throws ClientError CLIENT_ERR_INVALID_ENDPOINT otherwise.
 */
export function checkWebSocketUrl(url: unknown): string {
  parseUrl(url, 'WebSocket endpoint', ['ws:', 'wss:']);
  return url as string;
}

/**
 * @returns the login service's base URL without a trailing `/`.
 * @throws ClientError CLIENT_ERR_INVALID_ENDPOINT unless it is an `http://` or `https://` URL.
 */
export function checkLoginUrl(url: unknown): string {
  parseUrl(url, 'login service URL', ['http:', 'https:']);
  return (url as string).replace(/\/+$/, '');
}

/**
 * Splits a TCP or KCP endpoint, `host:port` or `[ipv6]:port`.
 * @throws ClientError CLIENT_ERR_INVALID_ENDPOINT when the host is empty or the port not 1 to 65535.
 */
export function parseHostPort(endpoint: unknown): { host: string; port: number } {
  const match = typeof endpoint === 'string' ? /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]/]+)):(\d{1,5})$/.exec(endpoint) : null;
  const port = match ? Number(match[3]) : 0;
  if (!match || port < 1 || port > 65_535) {
    const shown = typeof endpoint === 'string' ? JSON.stringify(endpoint.slice(0, 200)) : describe(endpoint);
    throw new ClientError('CLIENT_ERR_INVALID_ENDPOINT', `endpoint ${shown} is not host:port with a port from 1 to 65535`);
  }
  return { host: (match[1] ?? match[2])!, port };
}
