/**
 * How a bot reaches the server: the login service over HTTP, then a gate over the run's
 * transport, behind its emulated bad network when the run gives it one (network-profile.ts,
 * client-sim/emulated-link). The swarm takes it as an interface so that its tests can stand in a
 * gate in memory.
 */
import type { Clock } from '../../engine/timer/clock.js';
import { createTimerService, type TimerService } from '../../engine/timer/timer-service.js';
import type { ClientTransportFactory, ClientTransportKind } from '../client-transport.js';
import { emulatedTransport } from '../emulated-link/emulated-transport.js';
import type { GateClient } from '../gate-client.js';
import { login, register, type LoginResult } from '../login.js';
import { connectGate } from '../node-client.js';
import { createQuietLogger } from '../quiet-logger.js';
import { profileFor, type NetworkProfile } from './network-profile.js';

/** What a bot does to get an authenticated connection. */
export interface BotConnector {
  /** Registers an account; resolves with its uid. */
  register(username: string, password: string): Promise<string>;
  /** Logs in; resolves with a token and the gate to use. */
  login(username: string, password: string): Promise<LoginResult>;
  /** Connects bot `index` to the gate `login` named and authenticates it. */
  connect(index: number, login: LoginResult): Promise<GateClient>;
}

/** The bad networks of a run: which bots play behind which profile. */
export interface ConnectorNetworks {
  profiles: readonly NetworkProfile[];
  /** The run's seed, which decides the bots of each profile. */
  seed: number;
}

/**
 * The real thing: the login service at `loginUrl`, and the gate's `transport` endpoint, directly
 * or through the emulated network of the bot's profile (one link per connection, all on one timer
 * service, which holds no runtime timer once the last link closed).
 * @throws (from connect) Error when the gate has no endpoint for `transport`; and what `login`,
 *   `register`, `connectGate` and `auth` throw.
 */
export function serverConnector(loginUrl: string, transport: ClientTransportKind, clock: Clock, networks?: ConnectorNetworks): BotConnector {
  let timers: TimerService | undefined;
  const factories = new Map<NetworkProfile, ClientTransportFactory>();
  const transportOf = (index: number): ClientTransportKind | ClientTransportFactory => {
    const profile = networks && networks.profiles.length > 0 ? profileFor(index, networks.profiles, networks.seed) : undefined;
    if (!profile) return transport;
    let factory = factories.get(profile);
    if (!factory) {
      timers ??= createTimerService({ clock, logger: createQuietLogger() });
      factory = emulatedTransport(transport, profile, { clock, timers, seed: (networks!.seed + factories.size + 1) >>> 0 });
      factories.set(profile, factory);
    }
    return factory;
  };
  return {
    register: (username, password) => register(loginUrl, username, password),
    login: (username, password) => login(loginUrl, username, password),
    async connect(index, { token, gate }) {
      const endpoint = gate[transport];
      if (!endpoint) throw new Error(`gate ${gate.id} has no ${transport} endpoint`);
      const client = await connectGate({ endpoint, transport: transportOf(index), gateKey: gate.publicKey, clock });
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
