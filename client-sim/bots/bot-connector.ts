/**
 * How a bot reaches the server: the login service over HTTP, then a gate over the run's
 * transport. The swarm takes it as an interface so that its tests can stand in a gate in memory.
 */
import type { Clock } from '../../engine/timer/clock.js';
import type { ClientTransportKind } from '../client-transport.js';
import type { GateClient } from '../gate-client.js';
import { login, register, type LoginResult } from '../login.js';
import { connectGate } from '../node-client.js';

/** What a bot does to get an authenticated connection. */
export interface BotConnector {
  /** Registers an account; resolves with its uid. */
  register(username: string, password: string): Promise<string>;
  /** Logs in; resolves with a token and the gate to use. */
  login(username: string, password: string): Promise<LoginResult>;
  /** Connects bot `index` to the gate `login` named and authenticates it. */
  connect(index: number, login: LoginResult): Promise<GateClient>;
}

/**
 * The real thing: the login service at `loginUrl`, and the gate's `transport` endpoint.
 * @throws (from connect) Error when the gate has no endpoint for `transport`; and what `login`,
 *   `register`, `connectGate` and `auth` throw.
 */
export function serverConnector(loginUrl: string, transport: ClientTransportKind, clock: Clock): BotConnector {
  return {
    register: (username, password) => register(loginUrl, username, password),
    login: (username, password) => login(loginUrl, username, password),
    async connect(_index, { token, gate }) {
      const endpoint = gate[transport];
      if (!endpoint) throw new Error(`gate ${gate.id} has no ${transport} endpoint`);
      const client = await connectGate({ endpoint, transport, gateKey: gate.publicKey, clock });
      try {
        await client.auth(token);
      } catch (err) {
        client.close();
        throw err;
      }
      return client;
    },
  };
}
