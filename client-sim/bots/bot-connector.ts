/**
 * How a bot reaches the server: the login service over HTTP, then a gate over the run's
 * transport, behind its emulated bad network when the run gives it one (network-profile.ts,
 * client-sim/emulated-link). The swarm takes it as an interface so that its tests can stand in a
 * gate in memory.
 */
import type { Clock } from '../../engine/timer/clock.js';
import type { ClientTransportFactory, ClientTransportKind } from '../client-transport.js';
import type { GateClient } from '../gate-client.js';
import { alternativesOf, login, register, type LoginResult } from '../login.js';
import { connectGate } from '../node-client.js';
import type { BotNetworks } from './bot-networks.js';

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
 * The real thing: the login service at `loginUrl`, and the gate's `transport` endpoint, directly
 * or through the emulated network `networks` gives the bot.
 * @throws (from connect) Error when the gate has no endpoint for `transport`; and what `login`,
 *   `register`, `connectGate` and `auth` throw.
 */
export function serverConnector(loginUrl: string, transport: ClientTransportKind, clock: Clock, networks?: BotNetworks): BotConnector {
  // One transport per bot, kept: each of its connections draws a new link from it.
  const transports = new Map<number, ClientTransportKind | ClientTransportFactory>();
  const transportOf = (index: number): ClientTransportKind | ClientTransportFactory => {
    if (!networks) return transport;
    let chosen = transports.get(index);
    if (chosen === undefined) transports.set(index, (chosen = networks.transportFor(index, transport)));
    return chosen;
  };
  return {
    register: (username, password) => register(loginUrl, username, password),
    login: (username, password) => login(loginUrl, username, password),
    async connect(index, { token, gate, gates }) {
      const endpoint = gate[transport];
      if (!endpoint) throw new Error(`gate ${gate.id} has no ${transport} endpoint`);
      // Every gate's endpoint, for a bot that resumes its session on another when its own is lost.
      const alternatives = alternativesOf(gates, transport);
      // The kind named too: behind an emulated network the transport is a factory, and a gate's move order names endpoints by kind.
      const client = await connectGate({ endpoint, transport: transportOf(index), transportKind: transport, gateKey: gate.publicKey, alternatives, clock });
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
