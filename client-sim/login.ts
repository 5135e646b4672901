/** Logging in through the login service's HTTP API (services/login, docs/login.md). */
import type { GateEndpoint } from '../engine/auth/gate-endpoint.js';

export type { GateEndpoint };

/** What a successful login returns. */
export interface LoginResult {
  token: string;
  expiresAt: number;
  uid: string;
  gate: GateEndpoint;
}

/** A refused login or registration, with the service's error code. */
export class LoginFailed extends Error {
  override readonly name = 'LoginFailed';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${code} (${status}): ${message}`);
  }
}

async function post(baseUrl: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  if (!response.ok) throw new LoginFailed(response.status, json.error?.code ?? 'HTTP_ERROR', json.error?.message ?? response.statusText);
  return json;
}

/**
 * Registers an account.
 * @returns its uid.
 * @throws LoginFailed when refused (name taken, bad input, rate limited).
 */
export async function register(baseUrl: string, username: string, password: string): Promise<string> {
  return ((await post(baseUrl, '/register', { username, password })) as { uid: string }).uid;
}

/**
 * Logs in.
 * @throws LoginFailed when refused.
 */
export async function login(baseUrl: string, username: string, password: string): Promise<LoginResult> {
  return (await post(baseUrl, '/login', { username, password })) as LoginResult;
}
