/**
 * The admin API as the dashboard calls it: JSON over `fetch` on the page's own origin, with the
 * admin token as a bearer token. A refusal becomes an {@link AdminRequestError} carrying the
 * coded error body (`{ error: { code, message } }`) when there is one.
 */
import type { AdminLogin, ClusterStats, MessageResult, ServerInfo, SessionInfo } from './admin-types.js';

/** How a session is looked up: by account id or by username. */
export type SessionKey = 'account' | 'username';

/** Who a system message goes to. */
export type MessageTarget = { account: string } | { group: string } | { everyone: true };

/** An answer of the admin API other than 2xx, or no answer. */
export class AdminRequestError extends Error {
  /**
   * @param status the HTTP status, 0 when the request did not reach the server.
   * @param code the error's catalogue code (e.g. `ADMIN_ERR_UNAUTHENTICATED`), when the body names one.
   */
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'AdminRequestError';
  }

  /** Whether the token is missing, expired or refused: the page asks to log in again. */
  get unauthenticated(): boolean {
    return this.status === 401;
  }
}

/** The path and query of a session search; `query` is trimmed. */
export function sessionSearchPath(by: SessionKey, query: string): string {
  return `/admin/sessions?${new URLSearchParams({ [by]: query.trim() }).toString()}`;
}

/** The message of an error body, or a line naming the status. */
export function errorOf(status: number, body: unknown): AdminRequestError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const code = typeof error?.code === 'string' ? error.code : undefined;
  const message = typeof error?.message === 'string' ? error.message : `HTTP ${status}`;
  return new AdminRequestError(status, code, code ? `${code}: ${message}` : message);
}

/** Calls the admin API with a token once logged in. */
export class AdminClient {
  /** The admin token, once {@link login} has succeeded (or given to the constructor). */
  token: string | undefined;

  constructor(token?: string) {
    this.token = token;
  }

  /** Logs in with an admin account's username and password and keeps the token. */
  async login(username: string, password: string): Promise<AdminLogin> {
    const result = await this.call<AdminLogin>('POST', '/admin/login', { username, password });
    this.token = result.token;
    return result;
  }

  /** The servers discovery knows, with their last load report. */
  async servers(): Promise<ServerInfo[]> {
    return (await this.call<{ servers: ServerInfo[] }>('GET', '/admin/servers')).servers;
  }

  /** Every server's live figures. */
  stats(): Promise<ClusterStats> {
    return this.call('GET', '/admin/stats');
  }

  /** Where the session of an account (by id or username) is. */
  session(by: SessionKey, query: string): Promise<SessionInfo> {
    return this.call('GET', sessionSearchPath(by, query));
  }

  /** Kicks an account's session, giving the player `reason`. */
  async kick(account: string, reason: string): Promise<boolean> {
    return (await this.call<{ kicked: boolean }>('POST', `/admin/sessions/${encodeURIComponent(account)}/kick`, { reason })).kicked;
  }

  /** Sends a system message. */
  message(to: MessageTarget, text: string): Promise<MessageResult> {
    return this.call('POST', '/admin/messages', { to, text });
  }

  /** Asks a server to drain. */
  async drain(serverId: string): Promise<void> {
    await this.call('POST', `/admin/servers/${encodeURIComponent(serverId)}/drain`);
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (err) {
      throw new AdminRequestError(0, undefined, `the server did not answer: ${String(err)}`);
    }
    const parsed: unknown = await res.json().catch(() => null);
    if (!res.ok) throw errorOf(res.status, parsed);
    return parsed as T;
  }
}
