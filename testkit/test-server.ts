/**
 * A whole standalone server (login service, gate and lobby in one) for one game, inside a test:
 * memory discovery, an LMDB store in a throw-away folder, free loopback ports, no watchdog, log
 * lines kept in memory. Simulated clients log in through the real HTTP login service and connect
 * over TCP, WebSocket or KCP with the Node SDK.
 *
 * Two clocks. Sockets, KCP, handshakes, tokens, RPC deadlines, saves and ownership claims always
 * run on real time. The game's time (its world, tick loop and `GameContext.now()`) runs on a
 * manual clock by default, which only {@link TestServer.tick} and {@link TestServer.advance} move,
 * so a test decides exactly how many ticks a system runs; `clock: 'system'` lets it run on its own.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientTransportKind } from '../client-sim/client-transport.js';
import { LoginFailed, login, register } from '../client-sim/login.js';
import { connectGate } from '../client-sim/node-client.js';
import type { Config } from '../engine/config/config-schema.js';
import type { Entity } from '../engine/ecs/entity.js';
import { ManualClock, SystemClock } from '../engine/timer/clock.js';
import type { GameDefinition } from '../lobby/define-game.js';
import type { GameContext } from '../lobby/game-context.js';
import type { PlayerEntity } from '../lobby/player-entity.js';
import { createServer, type Server } from '../server.js';
import { TestKitError } from './errors.js';
import { TestClient } from './test-client.js';
import { testConfig, type ConfigOverrides } from './test-config.js';
import { TestRootLogger, type LogLine } from './test-logger.js';

/** Options of {@link startTestServer}. */
export interface TestServerOptions {
  /** The game to run: a module's `defineGame(...)`. */
  game: GameDefinition;
  /**
   * The game's time: `'manual'` (the default) moves only with {@link TestServer.tick} and
   * {@link TestServer.advance}; `'system'` is real time, the tick loop running on its own.
   */
  clock?: 'manual' | 'system';
  /** Settings over the kit's, e.g. `{ lobby: { tickHz: 10 } }` (see config/README.md). */
  config?: ConfigOverrides;
  /**
   * An LMDB folder to use and keep after {@link TestServer.stop}, so that a second server can
   * start on what the first one saved. Default: a new folder, removed at stop.
   */
  storeDir?: string;
  /** Pushes each client keeps until the test takes them (default 1,000); the oldest go first. */
  maxKeptPushes?: number;
}

/** Options of {@link TestServer.connect}. */
export interface ConnectOptions {
  /** Default `'tcp'`. */
  transport?: ClientTransportKind;
  /** The account: registered on first use, logged into after that. Default: a new `player-<n>`. */
  username?: string;
  /** Default: the kit's own password, the same for every account. */
  password?: string;
}

const PASSWORD = 'tessera-test-kit-password';

/** A running test server; stop it in `afterEach`. */
export class TestServer {
  private readonly clients = new Set<TestClient>();
  private readonly realClock = new SystemClock();
  private nextPlayer = 1;
  private stopping: Promise<void> | undefined;

  /** @internal Built by {@link startTestServer}. */
  constructor(
    private readonly server: Server,
    private readonly context: GameContext,
    private readonly gameClock: ManualClock | undefined,
    private readonly logger: TestRootLogger,
    /** Holds the gate's key, and the store unless the test gave its own. */
    private readonly dir: string,
    private readonly maxKeptPushes: number,
  ) {}

  /** The configuration the server runs with. */
  get config(): Config {
    return this.server.config;
  }

  /** The game's context: `find`, `spawn`, `load`, `sessions()`, `now()`, … as the game's hooks see it. */
  get game(): GameContext {
    return this.context;
  }

  /** The login service's base URL (`http://127.0.0.1:<port>`). */
  get url(): string {
    return this.server.http.url;
  }

  /** The lines the server logged, oldest first (the latest 10,000). */
  get logs(): readonly LogLine[] {
    return this.logger.lines;
  }

  /** The clients connected and not closed yet. */
  get connected(): readonly TestClient[] {
    return [...this.clients];
  }

  /**
   * Runs `n` ticks of the game: moves the manual clock by `n` tick intervals (`1000 / lobby.tickHz`
   * ms each), so every system runs `n` times (one at `hz` runs when its turn comes) and game timers
   * due by then fire, in order, before this returns. Work they start that awaits (a save, a push)
   * finishes afterwards: wait for its push or its reply.
   * @throws TestKitError TESTKIT_ERR_SYSTEM_CLOCK on a server with `clock: 'system'`.
   */
  tick(n = 1): void {
    const clock = this.manualClock('tick');
    const interval = 1_000 / this.server.config.lobby.tickHz;
    for (let i = 0; i < n; i++) clock.advance(interval);
  }

  /**
   * Moves the game's time by `ms`: ticks and game timers due by then run, in order.
   * @throws TestKitError TESTKIT_ERR_SYSTEM_CLOCK on a server with `clock: 'system'`; RangeError for
   *   a negative `ms`.
   */
  advance(ms: number): void {
    this.manualClock('advance').advance(ms);
  }

  /**
   * Registers (or logs into) an account through the login service, connects to the gate over
   * `transport` and authenticates: the lobby has bound the player's avatar when this resolves.
   * @throws TestKitError TESTKIT_ERR_STOPPED once {@link stop} was called, TESTKIT_ERR_NO_TRANSPORT
   *   when the gate does not serve `transport` (its port set to -1); LoginFailed or
   *   ClientError from the SDK when the server refuses.
   */
  async connect(options: ConnectOptions = {}): Promise<TestClient> {
    if (this.stopping) throw new TestKitError('TESTKIT_ERR_STOPPED', 'connect() after stop()');
    const transport = options.transport ?? 'tcp';
    const username = options.username ?? `player-${this.nextPlayer++}`;
    const password = options.password ?? PASSWORD;
    try {
      await register(this.url, username, password);
    } catch (err) {
      if (!(err instanceof LoginFailed && err.serverCode === 'LOGIN_ERR_USERNAME_TAKEN')) throw err;
    }
    const { token, uid, gate } = await login(this.url, username, password);
    const endpoint = gate[transport];
    if (endpoint === undefined) throw new TestKitError('TESTKIT_ERR_NO_TRANSPORT', `${transport} (gate.${transport}Port is ${this.server.config.gate[`${transport}Port`]})`);
    const sdk = await connectGate({ endpoint, transport, gateKey: gate.publicKey });
    // Listening before the login: what the game pushes as the session binds (onOnline, a space's
    // first view) arrives before the login's reply, and is kept for nextPush.
    const client = new TestClient(sdk, { username, uid, transport }, this.realClock, this.maxKeptPushes, (closed) => this.clients.delete(closed));
    try {
      await sdk.auth(token);
    } catch (err) {
      client.close();
      throw err;
    }
    this.clients.add(client);
    // A stop that began while this client connected closes it too.
    if (this.stopping) client.close();
    return client;
  }

  /**
   * The avatar of `client`'s player on this server, to read or change its state directly.
   * @throws TestKitError TESTKIT_ERR_NO_PLAYER when the player is not bound here (closed, kicked).
   */
  player<E extends PlayerEntity = PlayerEntity>(client: TestClient): E {
    const avatar = this.server.lobby?.avatarOf(client.uid);
    if (!avatar) throw new TestKitError('TESTKIT_ERR_NO_PLAYER', `${client.username} (uid ${client.uid})`);
    return avatar as E;
  }

  /** The live entity with id `id` on this server's lobby. */
  find<E extends Entity = Entity>(id: string): E | undefined {
    return this.context.find(id) as E | undefined;
  }

  /**
   * Closes every client, stops the server (the lobby saves every entity) and removes its folder,
   * with the store unless the test gave `storeDir`. Safe to call again, and from `afterEach` after a failed test.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    for (const client of [...this.clients]) client.close();
    try {
      await this.server.life.stop();
    } finally {
      await this.logger.close();
      await rm(this.dir, { recursive: true, force: true });
    }
  }

  private manualClock(what: string): ManualClock {
    if (!this.gameClock) throw new TestKitError('TESTKIT_ERR_SYSTEM_CLOCK', `${what}() on a server started with clock: 'system'`);
    return this.gameClock;
  }
}

/**
 * Starts a standalone server for `options.game` in this process.
 * @throws ConfigError for overrides that fail the configuration's schema; what the game's
 *   `onStart` or a module's start throws (the server is stopped and its folder removed then).
 */
export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-test-'));
  let server: Server | undefined;
  try {
    const config = testConfig(dir, options.storeDir ?? join(dir, 'store'), options.config);
    const logger = new TestRootLogger('standalone');
    const gameClock = (options.clock ?? 'manual') === 'manual' ? new ManualClock() : undefined;
    server = await createServer({ config, game: options.game, logger, ...(gameClock ? { gameClock } : {}) });
    await server.life.start();
    const context = server.lobby?.game;
    if (!context) throw new Error('the test server started without its lobby');
    return new TestServer(server, context, gameClock, logger, dir, options.maxKeptPushes ?? 1_000);
  } catch (err) {
    await server?.life.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
