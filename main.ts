/**
 * The composition root of every server process: `tsx main.ts --role <role>`; `npm start` runs
 * the standalone role. Loads the configuration, builds the modules the role needs, starts them
 * in order and stops them in reverse on SIGINT or SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createDiscovery } from './engine/cluster/create-discovery.js';
import { ConfigError, loadConfig, type Config } from './engine/config/index.js';
import { serverIdOf } from './engine/config/server-id.js';
import { Lifecycle } from './engine/lifecycle/lifecycle.js';
import { Watchdog } from './engine/lifecycle/watchdog.js';
import { createLogger } from './engine/log/create-logger.js';
import { loggerOptionsFromConfig } from './engine/log/logger-from-config.js';
import { StoreModule } from './engine/persist/store-module.js';
import { DeferredModule } from './engine/lifecycle/deferred-module.js';
import { TokenVerifier } from './engine/auth/token-verifier.js';
import { Redis } from 'ioredis';
import { createGate } from './gate/create-gate.js';
import type { Gate } from './gate/gate.js';
import { LOBBY_ERRORS } from './lobby/errors.js';
import { LobbyModule } from './lobby/lobby-module.js';
import { ACCOUNT_INDEXES } from './services/login/account-store.js';
import { pickGateFrom } from './services/login/gate-picker.js';
import { LoginService } from './services/login/login-service.js';
import { ClusterMember } from './engine/rpc/cluster-member.js';
import { rpcOptionsFromConfig } from './engine/rpc/rpc-options-from-config.js';
import { RpcNode } from './engine/rpc/rpc-node.js';
import { traceContextOf } from './engine/rpc/trace-context.js';
import { SystemClock } from './engine/timer/clock.js';
import { createTimerService } from './engine/timer/timer-service.js';
import { registerHealthRoutes } from './services/http/health-routes.js';
import { HttpServer } from './services/http/http-server.js';

const VERSION = (JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Longest a stopping process waits for its log lines to reach the disk. */
const LOG_FLUSH_LIMIT_MS = 5_000;

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const clock = new SystemClock();
  const startedAt = clock.now();
  const serverId = serverIdOf(config.server);
  const logger = createLogger(loggerOptionsFromConfig(config.log, serverId, clock));
  const life = new Lifecycle({ logger, clock });
  const role = config.server.role;

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
  const timers = createTimerService({ clock, logger: logger.child({ component: 'timers' }) });
  life.add({ name: 'timers', start: async () => undefined, stop: async () => timers.stop() });
  const standalone = role === 'standalone';
  const hostsLobby = standalone || role === 'lobby';
  const hostsGate = standalone || role === 'gate';
  const hostsLogin = standalone || role === 'services';
  // Gates hold connections only; every other role persists.
  const store = hostsGate && !standalone ? undefined : life.add(new StoreModule(config.store, { clock, logger, indexes: hostsLogin ? ACCOUNT_INDEXES : [] }));
  const discovery = life.add(createDiscovery(config, clock, logger.child({ component: 'discovery' })));
  const rpc = life.add(
    new RpcNode({
      ...rpcOptionsFromConfig(config.rpc, config.server.host),
      serverId,
      resolve: (id) => discovery.server(id)?.address,
      resolveName: (name) => discovery.resolveName(name),
      clock,
      timers,
      logger: logger.child({ component: 'rpc' }),
      trace: traceContextOf(logger),
    }),
  );
  const http = new HttpServer({ host: config.http.host, port: config.http.port, trustProxy: config.http.trustProxy, logger: logger.child({ component: 'http' }) });
  // In one process the gate and the login service look for a server of the standalone type.
  const peerType = (type: string): string => (standalone ? 'standalone' : type);

  const lobby = hostsLobby ? life.add(new LobbyModule({
          rpc,
          discovery,
          gateType: peerType('gate'),
          store: () => store!.store,
          clock,
          logger: logger.child({ component: 'lobby' }),
          claimTtlMs: config.store.claimTtlMs,
          claimRenewMs: config.store.claimRenewMs,
          claimWaitMs: config.store.claimWaitMs,
        })) : undefined;
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
              login: config.login,
              auth: config.auth,
            }),
        ),
      )
    : undefined;
  let gate: Gate | undefined;
  if (hostsGate) {
    const redis = config.gate.onlineIndex === 'redis' ? new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 2 }) : undefined;
    if (redis) life.add({ name: 'redis', start: () => redis.connect(), stop: async () => void (await redis.quit()) });
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
    gate = life.add(
      createGate(config.gate, { rpc, discovery, tokens, clock, timers, logger: logger.child({ component: 'gate' }), ...(redis ? { redis, redisPrefix: config.redis.prefix } : {}), lobbyType: peerType('lobby'), lobbyErrors: [LOBBY_ERRORS] }),
    );
  }
  life.add(
    new ClusterMember({
      rpc,
      discovery,
      ...(config.server.id === undefined ? {} : { id: config.server.id }),
      type: role,
      host: hostname(),
      version: VERSION,
      clock,
      logger: logger.child({ component: 'cluster' }),
      sessions: () => gate?.sessions.count ?? lobby?.sessionCount ?? 0,
      entities: () => lobby?.entityCount ?? 0,
      loadReportIntervalMs: config.cluster.loadReportIntervalMs,
      ...(gate ? { meta: () => gate.meta() } : {}),
      // The id discovery assigned (`<role>-<host>-<index>`) replaces the provisional one in logs.
      onRegistered: (self) => {
        logger.setServerId(self.id);
        watchdog?.setServerId(self.id);
      },
    }),
  );
  life.add(http);
  registerHealthRoutes(http.app, {
    serverId: () => rpc.serverId,
    role,
    startedAt,
    now: () => clock.now(),
    state: () => life.state,
    checks: (): Record<string, boolean> => ({ ...(store ? { store: store.healthy } : {}), cluster: discovery.self !== undefined }),
  });

  let stopping = false;
  const shutdown = async (reason: string, code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { reason });
    await life.stop();
    // A disk that never drains must not keep a stopping process alive.
    await Promise.race([logger.close(), new Promise<void>((resolve) => clock.setTimer(resolve, LOG_FLUSH_LIMIT_MS))]);
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown('SIGINT', 0));
  process.once('SIGTERM', () => void shutdown('SIGTERM', 0));
  // Started by a parent over IPC (tests, benchmarks): stop when the parent goes away.
  if (process.connected) process.once('disconnect', () => void shutdown('parent process gone', 0));
  // SIGHUP reloads the gate's route rules from the configuration files, without a restart.
  process.on('SIGHUP', () => {
    if (!gate) return;
    try {
      gate.reloadRules(loadConfig().gate.rules);
    } catch (err) {
      logger.error('route rules not reloaded; the old ones stay', { err });
    }
  });
  process.on('uncaughtException', (err) => {
    logger.error('uncaught exception', { err });
    void shutdown('uncaught exception', 1);
  });

  try {
    await life.start();
  } catch (err) {
    logger.error('start failed', { err });
    await shutdown('start failed', 1);
    return;
  }
  logger.info('ready', {
    role,
    http: `${http.url}/health`,
    ...(login ? { login: http.url } : {}),
    ...(gate ? { gate: gate.meta() } : {}),
    rpc: rpc.address,
    discovery: config.cluster.discovery,
    watchdog: watchdog?.running ? { stallMs: config.watchdog.stallMs } : 'off',
    ...(store ? { store: config.store.backend === 'lmdb' ? `lmdb at ${config.store.lmdb.path}` : config.store.mongodb.url } : {}),
  });
}

await main();
