/** Logging in through the login service's HTTP API (services/login, docs/login.md). */
import type { GateEndpoint } from '../engine/auth/gate-endpoint.js';
import type { ClientTransportKind } from './client-transport.js';
import { checkLoginUrl, decodeGateKey } from './client-inputs.js';
import { ClientError } from './errors.js';
import type { GateTarget } from './gate-client.js';

export type { GateEndpoint };

/** What a successful login returns. */
export interface LoginResult {
  token: string;
  expiresAt: number;
  uid: string;
  /** The gate to connect to. */
  gate: GateEndpoint;
  /**
   * Every gate of the cluster, `gate` first: where `GateClient.reconnect` resumes the session
   * when `gate` is lost (pass them as `gates` to `connectGate` or `connectBrowser`). Just `gate`
   * from a login service that does not list them.
   */
  gates: GateEndpoint[];
}

/**
 * A refused login or registration: CLIENT_ERR_LOGIN_REFUSED, with the service's code in
 * `serverCode` (e.g. `LOGIN_ERR_BAD_CREDENTIALS`), its wire code, and the HTTP status.
 */
export class LoginFailed extends ClientError {
  override readonly name = 'LoginFailed';
  declare readonly serverCode: string;
  /** When the service said to retry later (`Retry-After`): milliseconds until a retry may succeed. */
  readonly retryAfterMs: number | undefined;

  /**
   * @param status the HTTP status.
   * @param serverCode the service's code (`LOGIN_ERR_*`, or `HTTP_ERROR` for a reply without one).
   * @param message the service's message.
   * @param options `wire`: the service's numeric code; `retryAfterMs`: from `Retry-After`.
   */
  constructor(
    readonly status: number,
    serverCode: string,
    message: string,
    options: { wire?: number; retryAfterMs?: number } = {},
  ) {
    const retry = options.retryAfterMs === undefined ? '' : `; retry after ${Math.ceil(options.retryAfterMs / 1000)} s`;
    super('CLIENT_ERR_LOGIN_REFUSED', `${serverCode} (${status}): ${message}${retry}`, { server: { code: serverCode, wire: options.wire, message } });
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** `Retry-After` in seconds (the only form the login service sends), as milliseconds. */
function retryAfterMs(response: Response): number | undefined {
  const seconds = Number(response.headers.get('retry-after') ?? Number.NaN);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

async function post(baseUrl: string, path: string, body: unknown): Promise<unknown> {
  const url = `${checkLoginUrl(baseUrl)}${path}`;
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch (err) {
    // A browser says only "Failed to fetch" for a refused connection and a CORS refusal alike; its console says which.
    throw new ClientError(
      'CLIENT_ERR_LOGIN_UNREACHABLE',
      `POST ${url} failed (${(err as Error).message}): the service is down or unreachable, or, from a web page, the page's origin is not in the service's login.cors.origins`,
      { cause: err },
    );
  }
  const json = (await response.json().catch(() => undefined)) as { error?: { code?: unknown; wire?: unknown; message?: unknown } } | undefined;
  if (!response.ok) {
    const { code, wire, message } = json?.error ?? {};
    throw new LoginFailed(response.status, typeof code === 'string' ? code : 'HTTP_ERROR', typeof message === 'string' ? message : response.statusText, {
      wire: typeof wire === 'number' ? wire : undefined,
      retryAfterMs: retryAfterMs(response),
    });
  }
  if (typeof json !== 'object' || json === null) throw new ClientError('CLIENT_ERR_LOGIN_REPLY', `POST ${url} answered ${response.status} without a JSON object`);
  return json;
}

function replyError(path: string, what: string): ClientError {
  return new ClientError('CLIENT_ERR_LOGIN_REPLY', `${path}: ${what}`);
}

/**
 * Registers an account.
 * @returns its uid.
 * @throws LoginFailed when refused (name taken, bad input, rate limited); ClientError
 *   CLIENT_ERR_INVALID_ENDPOINT, CLIENT_ERR_LOGIN_UNREACHABLE or CLIENT_ERR_LOGIN_REPLY.
 */
export async function register(baseUrl: string, username: string, password: string): Promise<string> {
  const reply = (await post(baseUrl, '/register', { username, password })) as { uid?: unknown };
  if (typeof reply.uid !== 'string') throw replyError('/register', 'the reply has no uid');
  return reply.uid;
}

/** Whether `gate` is a gate a client can connect to: an id, an address, and a 32-byte key. */
function isGateEndpoint(gate: unknown): gate is GateEndpoint {
  if (typeof gate !== 'object' || gate === null) return false;
  const { id, tcp, kcp, ws, publicKey } = gate as Partial<Record<keyof GateEndpoint, unknown>>;
  if (typeof id !== 'string' || ![tcp, kcp, ws].some((address) => typeof address === 'string')) return false;
  try {
    decodeGateKey(publicKey as string, 'a gate key');
    return true;
  } catch {
    return false;
  }
}

/**
 * Logs in, and checks the reply: a token, and a gate with at least one address and a valid key.
 * Entries of `gates` that are not such gates are left out.
 * @throws LoginFailed when refused; ClientError CLIENT_ERR_INVALID_ENDPOINT (a bad `baseUrl`),
 *   CLIENT_ERR_LOGIN_UNREACHABLE, CLIENT_ERR_LOGIN_REPLY, or CLIENT_ERR_INVALID_GATE_KEY (the reply's
 *   `gate.publicKey` is not a 32-byte key).
 */
export async function login(baseUrl: string, username: string, password: string): Promise<LoginResult> {
  const reply = (await post(baseUrl, '/login', { username, password })) as Partial<LoginResult>;
  if (typeof reply.token !== 'string' || reply.token.length === 0) throw replyError('/login', 'the reply has no token');
  if (typeof reply.uid !== 'string' || typeof reply.expiresAt !== 'number') throw replyError('/login', 'the reply has no uid or expiresAt');
  const gate = reply.gate;
  if (typeof gate !== 'object' || gate === null || typeof gate.id !== 'string') throw replyError('/login', 'the reply names no gate');
  if (![gate.tcp, gate.kcp, gate.ws].some((address) => typeof address === 'string')) throw replyError('/login', `gate ${gate.id} has no address`);
  decodeGateKey(gate.publicKey, `the login reply's gate.publicKey`);
  const others = Array.isArray(reply.gates) ? reply.gates.filter((other) => isGateEndpoint(other) && other.id !== gate.id) : [];
  return { ...(reply as LoginResult), gates: [gate, ...others] };
}

/**
 * The endpoints for transport `kind` of `gates` (a login reply's `gates`) that have one, with
 * their keys: where `reconnect()` may resume a session when its gate is lost.
 */
export function alternativesOf(gates: readonly GateEndpoint[], kind: ClientTransportKind): GateTarget[] {
  return gates.flatMap((gate) => (gate[kind] ? [{ endpoint: gate[kind], gateKey: gate.publicKey }] : []));
}
