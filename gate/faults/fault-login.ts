/**
 * A new player's whole login during a fault: registration and login at the service, connection
 * and auth at the gate it names, and one request; what refused it, by code.
 */
import { login, register } from '../../client-sim/login.js';
import { connectGate } from '../../client-sim/node-client.js';

/** How a login went: `ok`, or the first refusal's server code (else the client's code, else its message). */
export type LoginOutcome = 'ok' | string;

function codeOf(err: unknown): string {
  const e = err as { serverCode?: unknown; code?: unknown; message?: unknown } | undefined;
  if (typeof e?.serverCode === 'string') return e.serverCode;
  if (typeof e?.code === 'string') return e.code;
  return String(e?.message ?? err);
}

/** Registers `username`, logs in, connects over TCP, authenticates and echoes once, then leaves. */
export async function tryLogin(loginUrl: string, username: string): Promise<LoginOutcome> {
  try {
    await register(loginUrl, username, 'fault-password');
    const { token, gate } = await login(loginUrl, username, 'fault-password');
    const client = await connectGate({ endpoint: gate.tcp!, transport: 'tcp', gateKey: gate.publicKey });
    try {
      await client.auth(token);
      await client.request('Echo.echo', 1);
      return 'ok';
    } finally {
      client.close();
    }
  } catch (err) {
    return codeOf(err);
  }
}
