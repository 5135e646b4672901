/**
 * The composition root of a server process: builds the modules a role needs from the loaded
 * configuration, in start order (the lifecycle stops them in reverse). `main.ts` runs one per
 * process; the test kit (`tessera/testing`) runs a standalone one inside a test.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { TokenVerifier } from './engine/auth/token-verifier.js';
import { createDiscovery } from './engine/cluster/create-discovery.js';
import type { Discovery } from './engine/cluster/discovery.js';
import type { Config } from './engine/config/index.js';
import { serverIdOf } from './engine/config/server-id.js';
import { MemoryPubSub } from './engine/hub/memory-pub-sub.js';
import type { PubSubModule } from './engine/hub/pub-sub.js';
import { RedisPubSub } from './engine/hub/redis-pub-sub.js';
import { DeferredModule } from './engine/lifecycle/deferred-module.js';
import { Lifecycle } from './engine/lifecycle/lifecycle.js';
import { Watchdog } from './engine/lifecycle/watchdog.js';
import { createLogger, type RootLogger } from './engine/log/create-logger.js';
import { loggerOptionsFromConfig } from './engine/log/logger-from-config.js';
import { Metrics } from './engine/metrics/metrics.js';
import { registerDiscoveryMetrics } from './engine/metrics/discovery-metrics.js';
import { LobbyMetrics } from './engine/metrics/lobby-metrics.js';
import { RpcMetrics } from './engine/metrics/rpc-metrics.js';
import { StoreMetrics } from './engine/metrics/store-metrics.js';
import { MATCHMAKER_META_KEY, MATCHMAKER_META_ON } from './engine/matchmaking/matchmaker-contract.js';
import { StoreModule } from './engine/persist/store-module.js';
import { ClusterMember } from './engine/rpc/cluster-member.js';
import { RpcNode } from './engine/rpc/rpc-node.js';
import { rpcOptionsFromConfig } from './engine/rpc/rpc-options-from-config.js';
import { traceContextOf } from './engine/rpc/trace-context.js';
import type { Store } from './engine/persist/store.js';
import type { Tracing } from './engine/tracing/tracing.js';
import { SystemClock, type Clock } from './engine/timer/clock.js';
import { createTimerService } from './engine/timer/timer-service.js';
import { createGate } from './gate/create-gate.js';
import type { Gate } from './gate/gate.js';
import { ClusterPush } from './engine/hub/cluster-push.js';
import type { Groups } from './engine/hub/groups.js';
import { MemoryGroups } from './engine/hub/memory-groups.js';
import { MemoryOnlineIndex, type OnlineIndex } from './engine/hub/online-index.js';
import { RedisGroups } from './engine/hub/redis-groups.js';
import { RedisOnlineIndex } from './engine/hub/redis-online-index.js';
import { leaveGroupsWhenOffline } from './gate/offline-leaves-groups.js';
import { publishSessionEvents } from './gate/session-events-publisher.js';
import type { GameDefinition } from './lobby/define-game.js';
import { LOBBY_ERRORS } from './lobby/errors.js';
import { LobbyModule } from './lobby/lobby-module.js';
import { GameModule } from './lobby/reload/game-module.js';
import { AdminDashboard } from './services/admin/dashboard/admin-dashboard.js';
import { registerHealthRoutes } from './services/http/health-routes.js';
import { registerMetricsRoute } from './services/http/metrics-route.js';
import { HttpServer } from './services/http/http-server.js';
import { ACCOUNT_INDEXES, AccountStore } from './services/login/account-store.js';
import { AdminApi } from './services/admin/admin-api.js';
import { ClusterAdmin } from './services/admin/cluster-admin.js';
import { AdminService } from './engine/admin/admin-service.js';
import { gateAdmin } from './gate/gate-admin.js';
import type { RouteRuleSet } from './gate/route-rules.js';
import { lobbyAdmin } from './lobby/lobby-admin.js';
import { listGatesFrom, pickGateFrom } from './services/login/gate-picker.js';
import { LoginService } from './services/login/login-service.js';
import { PlayService } from './services/play/play-service.js';
import { ClusterMatchLauncher } from './services/matchmaker/match-launcher.js';
import { Matchmaker } from './services/matchmaker/matchmaker.js';
import { RedisTicketStore } from './services/matchmaker/redis-ticket-store.js';
import { MemoryTicketStore } from './services/matchmaker/ticket-store.js';
import { PROTOCOL_VERSION } from './engine/protocol/constants.js';
import { formatRange, parseRange, PROTOCOL_RANGE_META_KEY, RPC_CONTRACT_RANGE, RPC_RANGE_META_KEY } from './engine/rpc/rpc-versions.js';

/** The engine's version, from its package.json (beside the sources, or one level above `dist/`). */
export const ENGINE_VERSION = readVersion();

function readVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)), i = 0; i < 3; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'tessera' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here: one level up
    }
  }
  throw new Error('tessera: package.json not found beside the engine or above it');
}

/** What every server's registration says of the versions it speaks: its RPC contract and client protocol ranges (engine/rpc/rpc-versions.ts). */
function versionMeta(): Record<string, string> {
  return { [RPC_RANGE_META_KEY]: formatRange(RPC_CONTRACT_RANGE), [PROTOCOL_RANGE_META_KEY]: formatRange([PROTOCOL_VERSION, PROTOCOL_VERSION]) };
}

/** Time a module's drain or stop gets beyond the lobby's settle wait: the game's stop hooks and the final save. */
const DRAIN_SAVE_MARGIN_MS = 20_000;

/**
 * How long each module's drain or stop may take. A lobby's drain moves its players and entities to
 * other lobbies for up to `lobby.drainTimeoutMs`, then waits up to `lobby.settleWaitMs` for running
 * requests and only then saves; a gate's waits up to `gate.drainMoveMs` for its clients to move. A
 * shorter deadline would close the store under the final save.
 */
export function stepTimeoutMsOf(config: Config): number {
  return Math.max(config.lobby.drainTimeoutMs + config.lobby.settleWaitMs, config.gate.drainMoveMs) + DRAIN_SAVE_MARGIN_MS;
}

/** What {@link createServer} needs besides the configuration. */
export interface ServerOptions {
  config: Config;
  /** Default: the system clock. */
  clock?: Clock;
  /**
   * The game's time: the lobby's world, tick loop and game context (default: `clock`). The test
   * kit passes a manual clock here and keeps `clock` real, so that sockets, KCP, handshakes, RPC,
   * logins and saves run on real time while the test steps the game.
   */
  gameClock?: Clock;
  /** The game to run; default: the module `config.lobby.game` names. */
  game?: GameDefinition;
  /** Default: one built from `config.log`. */
  logger?: RootLogger;
  /** Begins this process's drain when the admin API asks for one (main.ts: as on SIGTERM); default: `life.stop()`. */
  drain?: () => void;
  /** Reads the gate's route rules from the configuration files, for a reload without rules; default: those it started with. */
  loadRules?: () => RouteRuleSet;
}

/** One server process's modules, built and not started yet. */
export interface Server {
  readonly config: Config;
  readonly logger: RootLogger;
  readonly life: Lifecycle;
  readonly rpc: RpcNode;
  readonly discovery: Discovery;
  /** Topics across the cluster (Redis when `hub.backend` is `redis`, else this process's own). */
  readonly hub: PubSubModule;
  readonly http: HttpServer;
  readonly lobby: LobbyModule | undefined;
  readonly gate: Gate | undefined;
  readonly login: DeferredModule<LoginService> | undefined;
  /** The game's web client at `/play` (`http.play`, on the roles that serve login, for a game named by `lobby.game`). */
  readonly play: PlayService | undefined;
  /** The matchmaker, on a services or standalone server with `matchmaker.enabled`. */
  readonly matchmaker: Matchmaker | undefined;
  readonly watchdog: Watchdog | undefined;
  /** The store, on every role but a gate of its own. */
  readonly store: StoreModule | undefined;
  /** The game the lobby runs, when this role hosts one. */
  readonly game: GameDefinition | undefined;
  /** Pushes to accounts anywhere, on every role (the lobby's `game.push`). */
  readonly push: ClusterPush;
  /** Groups of accounts, on every role (the lobby's `game.groups`): in Redis when `hub.backend` is `redis`. */
  readonly groups: Groups;
  /** The process's Prometheus metrics, served at `/metrics`; undefined when `metrics.enabled` is off. */
  readonly metrics: Metrics | undefined;
  /** The admin API at `/admin`, on a services or standalone server with `admin.enabled`. */
  readonly admin: AdminApi | undefined;
  /** The process's tracer; undefined when `tracing.enabled` is off. */
  readonly tracing: Tracing | undefined;
}

/**
 * Builds the modules of `config.server.role`. Start them with `server.life.start()` and stop them
 * with `server.life.stop()`.
 * @throws Error when a lobby role has no game (`lobby.game`), or what loading the game throws.
 */
export async function createServer(options: ServerOptions): Promise<Server> {
  const { config } = options;
  const clock = options.clock ?? new SystemClock();
  const startedAt = clock.now();
  const serverId = serverIdOf(config.server);
  const logger = options.logger ?? createLogger(loggerOptionsFromConfig(config.log, serverId, clock));
  const life = new Lifecycle({ logger, clock, stepTimeoutMs: stepTimeoutMsOf(config) });
  const metrics = config.metrics.enabled ? new Metrics({ process: config.metrics.process }) : undefined;
  const role = config.server.role;
  const standalone = role === 'standalone';
  const hostsLobby = standalone || role === 'lobby';
  const hostsGate = standalone || role === 'gate';
  const hostsLogin = standalone || role === 'services';
  const hostsMatchmaker = hostsLogin && config.matchmaker.enabled;
  let game = options.game;
  let gameModule: GameModule | undefined;
  if (hostsLobby && !game) {
    if (config.lobby.game === undefined) throw new Error(`a ${role} server needs a game: set lobby.game or pass --game <module path>`);
    // Loaded so that the lobby can load it again (a reload of its code).
    gameModule = await GameModule.open(config.lobby.game);
    game = gameModule.game;
  }

  // First in, last out: it watches every other module start and stop.
  const watchdog = config.watchdog.enabled
    ? life.add(
        new Watchdog({
          stallMs: config.watchdog.stallMs,
          role,
          serverId,
          // Beside the log files, under the same basename; retention leaves it alone.
          ...(config.log.file.enabled ? { reportFile: join(config.log.file.dir, `${config.log.file.basename ?? serverId.replace(/[^A-Za-z0-9_-]/g, '_')}-watchdog.log`) } : {}),
          clock,
          logger: logger.child({ component: 'watchdog' }),
        }),
      )
    : undefined;
  // Loaded only when on: a server without tracing loads no OpenTelemetry code. Stopped late, so
  // that the spans of the other modules' last work are exported.
  const traced = config.tracing.enabled
    ? (await import('./engine/tracing/create-tracing.js')).createTracing(config.tracing, { role, serverId: (): string => rpc.serverId, context: logger, metrics })
    : undefined;
  if (traced) life.add(traced.tracing);
  const timers = createTimerService({ clock, logger: logger.child({ component: 'timers' }) });
  life.add({ name: 'timers', start: async () => undefined, stop: async () => timers.stop() });
  // Gates hold connections only; every other role persists.
  const store = hostsGate && !standalone ? undefined : life.add(new StoreModule(config.store, { clock, logger, indexes: hostsLogin ? ACCOUNT_INDEXES : [], ...(metrics ? { metrics: new StoreMetrics(metrics.registry) } : {}) }));
  const discovery = life.add(createDiscovery(config, clock, logger.child({ component: 'discovery' })));
  if (metrics) registerDiscoveryMetrics(metrics.registry, discovery);
  const rpcMetrics = metrics && new RpcMetrics(metrics.registry, { maxScopes: config.metrics.maxRoutes });
  const rpc = life.add(
    new RpcNode({
      ...rpcOptionsFromConfig(config.rpc, config.server.host),
      serverId,
      resolve: (id) => discovery.server(id)?.address,
      resolveName: (name) => discovery.resolveName(name),
      peerContractRange: (id) => parseRange(discovery.server(id)?.meta[RPC_RANGE_META_KEY]),
      clock,
      timers,
      logger: logger.child({ component: 'rpc' }),
      trace: traceContextOf(logger),
      ...(rpcMetrics ? { metrics: rpcMetrics } : {}),
      ...(traced ? { spans: traced.rpc } : {}),
    }),
  );
  rpcMetrics?.watch(() => rpc.stats());
  // Which gate holds each account. A gate's is in Redis when gates share it; every other role reads
  // the gates' one there when the hub is in Redis (a matchmaker of a cluster always does); in one
  // process the gate, the lobby and the matchmaker share the one in memory.
  const redisIndex = hostsGate ? config.gate.onlineIndex === 'redis' : hostsMatchmaker || config.hub.backend === 'redis';
  // One Redis client per process, started before the modules that use it (the hub's groups and
  // topics, the online index, the matchmaker's tickets) and stopped after them.
  const needsRedis = config.hub.backend === 'redis' || redisIndex || (hostsMatchmaker && config.matchmaker.store === 'redis');
  const redis = needsRedis ? new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 2 }) : undefined;
  if (redis) life.add({ name: 'redis', start: () => redis.connect(), stop: async () => void (await redis.quit()) });
  // Topics on every role: across the cluster through Redis, or within this process.
  const hubLogger = logger.child({ component: 'hub' });
  const hub = life.add(config.hub.backend === 'redis' ? new RedisPubSub({ redis: redis!, prefix: config.redis.prefix, logger: hubLogger }) : new MemoryPubSub({ logger: hubLogger }));
  const online: OnlineIndex = redisIndex ? new RedisOnlineIndex(redis!, { ttlMs: config.gate.onlineTtlMs, prefix: config.redis.prefix }) : new MemoryOnlineIndex();
  const push = new ClusterPush({ online, rpc, logger: hubLogger });
  const groups: Groups = config.hub.backend === 'redis' ? new RedisGroups(redis!, push, { prefix: config.redis.prefix }) : new MemoryGroups(push);
  const http = new HttpServer({ host: config.http.host, port: config.http.port, trustProxy: config.http.trustProxy, logger: logger.child({ component: 'http' }) });
  // In one process the gate and the login service look for a server of the standalone type.
  const peerType = (type: string): string => (standalone ? 'standalone' : type);

  const lobbyMetrics = metrics && hostsLobby ? new LobbyMetrics(metrics.registry, { maxSpaceTypes: config.metrics.maxRoutes }) : undefined;
  const lobby =
    hostsLobby && game
      ? life.add(
          new LobbyModule({
            game,
            ...(gameModule ? { gameModule } : {}),
            watch: config.lobby.watch,
            rpc,
            discovery,
            gateType: peerType('gate'),
            matchmaker: { type: peerType('services'), callTimeoutMs: config.matchmaker.callTimeoutMs },
            store: traced ? (): Store => traced.store(store!.store) : () => store!.store,
            hub,
            clock,
            ...(options.gameClock ? { gameClock: options.gameClock } : {}),
            logger: logger.child({ component: 'lobby' }),
            tickHz: config.lobby.tickHz,
            flushIntervalMs: config.lobby.flushIntervalMs,
            maxQueuedPerEntity: config.lobby.maxQueuedPerEntity,
            maxTimersPerEntity: config.lobby.maxTimersPerEntity,
            maxSpaces: config.lobby.maxSpaces,
            globalCheckMs: config.lobby.globalCheckMs,
            drainTimeoutMs: config.lobby.drainTimeoutMs,
            migration: { acceptTimeoutMs: config.lobby.migrationTimeoutMs, forwardMs: config.lobby.migrationForwardMs, maxForwards: config.lobby.maxMigrationForwards },
            claimTtlMs: config.store.claimTtlMs,
            claimRenewMs: config.store.claimRenewMs,
            claimWaitMs: config.store.claimWaitMs,
            // The game starts after the registration below, under the server's final id.
            deferGameStart: true,
            messaging: { push, groups },
            trace: traceContextOf(logger),
            ...(lobbyMetrics ? { metrics: lobbyMetrics } : {}),
            ...(traced ? { tracing: traced.tracing } : {}),
            sessions: {
              maxQueuedPerSession: config.lobby.maxQueuedPerSession,
              maxUnauthenticatedInFlight: config.lobby.maxUnauthenticatedInFlight,
              settleWaitMs: config.lobby.settleWaitMs,
              criticalWaitMs: config.lobby.criticalWaitMs,
              saveAttempts: config.lobby.saveAttempts,
              saveRetryMs: config.lobby.saveRetryMs,
            },
          }),
        )
      : undefined;
  if (lobby) lobbyMetrics?.watch(() => lobby.stats());
  const login = hostsLogin
    ? life.add(
        new DeferredModule(
          'login',
          () =>
            new LoginService({
              app: http.app,
              store: store!.store,
              clock,
              logger: logger.child({ component: 'login' }),
              pickGate: pickGateFrom(discovery, peerType('gate')),
              listGates: listGatesFrom(discovery, peerType('gate')),
              login: config.login,
              auth: config.auth,
              admin: config.admin,
            }),
        ),
      )
    : undefined;
  let gate: Gate | undefined;
  if (hostsGate) {
    // Built on first use: in one process the login service's key exists only once it has started.
    const makeVerifier = (): Promise<TokenVerifier> =>
      login
        ? TokenVerifier.create({
            clock,
            key: login.module.publicJwk,
            issuer: config.auth.issuer,
            audience: config.auth.audience,
            clockToleranceSec: config.auth.clockToleranceSec,
            maxTokenBytes: config.auth.maxTokenBytes,
          })
        : TokenVerifier.fromConfig(config.auth, { clock });
    let verifier: Promise<TokenVerifier> | undefined;
    const tokens = {
      verify: async (token: string) => {
        if (!verifier) {
          verifier = makeVerifier();
          // A failure to build it (a key file unreadable, a JWKS not reachable yet) is retried next time.
          verifier.catch(() => (verifier = undefined));
        }
        return (await verifier).verify(token);
      },
    };
    // Every gate derives the resume-token key from the cluster secret: a session resumes on any of them.
    const clusterSecret = config.rpc.secret === undefined ? {} : { clusterSecret: Buffer.from(config.rpc.secret, 'utf8') };
    gate = life.add(
      createGate(config.gate, { rpc, discovery, tokens, clock, timers, logger: logger.child({ component: 'gate' }), index: online, lobbyType: peerType('lobby'), gateType: peerType('gate'), lobbyErrors: [LOBBY_ERRORS], ...clusterSecret, ...(metrics ? { metrics: { registry: metrics.registry, maxRoutes: config.metrics.maxRoutes } } : {}), ...(traced ? { tracing: traced.tracing } : {}) }),
    );
    // Binds, rebinds and closes go to the cluster's session-events topic; the hub stops after the gate, so the last closes go out too.
    publishSessionEvents({ source: gate.sessions.events, hub, gateId: () => rpc.serverId, clock, logger: logger.child({ component: 'gate' }) });
    leaveGroupsWhenOffline(gate.sessions.events, groups, clock, logger.child({ component: 'gate' }));
  }
  // Every role answers the admin API's calls; served before this server registers.
  life.add(
    new AdminService({
      rpc,
      clock,
      logger: logger.child({ component: 'admin' }),
      state: () => life.state,
      drain: options.drain ?? (() => void life.stop()),
      gate: gate && gateAdmin(gate, options.loadRules ?? (() => config.gate.rules)),
      lobby: lobby && lobbyAdmin(lobby),
    }),
  );
  // Served before this server registers, so that a lobby that sees it finds the service.
  const matchmaker = hostsMatchmaker
    ? life.add(
        new Matchmaker({
          settings: config.matchmaker,
          rpc,
          store: config.matchmaker.store === 'redis' ? new RedisTicketStore(redis!, { prefix: config.redis.prefix }) : new MemoryTicketStore(),
          online,
          launcher: new ClusterMatchLauncher({ rpc, discovery, lobbyType: peerType('lobby'), callTimeoutMs: config.matchmaker.callTimeoutMs, logger: logger.child({ component: 'matchmaker' }) }),
          clock,
          timers,
          logger: logger.child({ component: 'matchmaker' }),
        }),
      )
    : undefined;
  life.add(
    new ClusterMember({
      rpc,
      discovery,
      ...(config.server.id === undefined ? {} : { id: config.server.id }),
      type: role,
      host: hostname(),
      version: config.server.version ?? ENGINE_VERSION,
      clock,
      logger: logger.child({ component: 'cluster' }),
      sessions: () => gate?.sessions.count ?? lobby?.sessionCount ?? 0,
      entities: () => lobby?.entityCount ?? 0,
      loadReportIntervalMs: config.cluster.loadReportIntervalMs,
      // Every server states the versions it speaks, so that peers of another build know what to send it.
      meta: () => ({ ...versionMeta(), ...gate?.meta(), ...(matchmaker ? { [MATCHMAKER_META_KEY]: MATCHMAKER_META_ON } : {}) }),
      // The id discovery assigned (`<role>-<host>-<index>`) replaces the provisional one in logs.
      onRegistered: (self) => {
        logger.setServerId(self.id);
        watchdog?.setServerId(self.id);
      },
    }),
  );
  // Before the HTTP server: fastify takes no routes once listening.
  const play =
    hostsLogin && config.http.play && config.lobby.game !== undefined
      ? life.add(new PlayService({ app: http.app, game: config.lobby.game, logger: logger.child({ component: 'play' }) }))
      : undefined;
  const admin =
    login && config.admin.enabled
      ? life.add(
          new AdminApi({
            app: http.app,
            login: () => login.module,
            cluster: () => new ClusterAdmin({ rpc, discovery, online, push, groups, store: store!.store, accounts: new AccountStore({ store: store!.store, clock }), gateType: peerType('gate'), lobbyType: peerType('lobby'), clock, logger: logger.child({ component: 'admin' }) }),
            admin: config.admin,
            auth: config.auth,
            clock,
            logger: logger.child({ component: 'admin' }),
            version: ENGINE_VERSION,
          }),
        )
      : undefined;
  // The admin dashboard's page and script at /admin, beside the admin API.
  if (admin) life.add(new AdminDashboard({ app: http.app, logger: logger.child({ component: 'admin' }) }));
  // The game's onStart may claim cluster-wide names and load entities: both need the final id.
  if (lobby) life.add({ name: 'game', start: () => lobby.startGame(), stop: async () => undefined });
  life.add(http);
  registerHealthRoutes(http.app, {
    serverId: () => rpc.serverId,
    role,
    startedAt,
    now: () => clock.now(),
    state: () => life.state,
    checks: (): Record<string, boolean> => ({ ...(store ? { store: store.healthy } : {}), cluster: discovery.self !== undefined }),
    load: () => ({ ...(gate ? { gateSessions: gate.sessions.count, gateConnections: gate.connectionCount, gatePending: gate.pendingCount, gatePushes: gate.sessions.pushesReceived } : {}), ...(lobby ? { lobbySessions: lobby.sessionCount, entities: lobby.entityCount, saveQueue: lobby.saveQueue } : {}), clusterServers: discovery.servers().length, timers: timers.size }),
  });
  if (metrics) registerMetricsRoute(http.app, metrics);
  return { config, logger, life, rpc, discovery, hub, http, lobby, gate, login, play, matchmaker, watchdog, store, game, push, groups, metrics, admin, tracing: traced?.tracing };
}
