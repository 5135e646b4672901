/**
 * Every default setting, in one typed place. Config files, environment variables and flags
 * override these (see load-config.ts). The values suit production; config/standalone.jsonc
 * adjusts them for development.
 */

import type { Config } from './config-schema.js';
import { deepFreeze } from './deep-freeze.js';

const LOOPBACK = '127.0.0.1';
const MIB = 1024 * 1024;

/** The built-in defaults, the bottom layer of every configuration. Frozen. */
export const defaults: Config = deepFreeze({
  server: {
    // `id` has no default: it is derived at start-up as `<role>-<hostname>-<pid>` (server-id.ts).
    role: 'standalone',
    host: LOOPBACK,
  },
  log: {
    level: 'info',
    console: { enabled: true, colors: false },
    file: {
      enabled: true,
      dir: 'logs',
      maxFileBytes: 64 * MIB,
      maxDays: 14,
      maxFiles: 100,
      maxTotalBytes: 2 * 1024 * MIB,
      maxBufferedBytes: 8 * MIB,
    },
  },
  store: {
    backend: 'lmdb',
    maxDocumentBytes: 4 * MIB,
    claimTtlMs: 15_000,
    claimRenewMs: 5_000,
    claimWaitMs: 5_000,
    lmdb: { path: 'data/lmdb' },
    mongodb: {
      url: `mongodb://${LOOPBACK}:27017`,
      database: 'tessera',
      maxRetries: 5,
      retryBaseMs: 100,
      retryMaxMs: 5_000,
      serverSelectionTimeoutMs: 5_000,
    },
  },
  etcd: {
    hosts: [`http://${LOOPBACK}:2379`],
    prefix: '/tessera/',
    leaseTtlSeconds: 10,
  },
  cluster: {
    discovery: 'etcd',
    loadReportIntervalMs: 5_000,
  },
  rpc: {
    host: LOOPBACK,
    port: 0,
    defaultTimeoutMs: 5_000,
    connectTimeoutMs: 3_000,
    handshakeTimeoutMs: 5_000,
    helloTimeoutMs: 2_000,
    maxHandshakesPerAddress: 16,
    maxHandshakes: 256,
    heartbeatIntervalMs: 1_000,
    deadAfterMs: 5_000,
    reconnectBaseMs: 100,
    reconnectMaxMs: 5_000,
    maxQueuedBytes: 16 * MIB,
    maxPendingCalls: 1_000_000,
    maxLinks: 1_024,
    maxInFlight: 100_000,
    limits: {
      maxFrameBytes: 4 * MIB,
      maxDepth: 32,
      maxStringBytes: MIB,
      maxBinaryBytes: 4 * MIB,
      maxArrayLength: 100_000,
      maxMapLength: 100_000,
    },
  },
  redis: { url: `redis://${LOOPBACK}:6379`, prefix: 'tessera:' },
  // In memory: standalone needs nothing else; the cluster's config files name Redis.
  hub: { backend: 'memory' },
  // Loopback by default: health, metrics and the admin API are opened to a network on purpose, never by accident.
  http: { host: LOOPBACK, port: 8080, trustProxy: [], play: false },
  auth: {
    // No key source by default: standalone hands the gate the login service's key in process.
    issuer: 'tessera',
    audience: 'tessera-gate',
    clockToleranceSec: 30,
    maxTokenBytes: 4_096,
  },
  login: {
    tokenTtlSec: 300,
    // 128 × 2^15 × 8 bytes = 32 MiB and tens of milliseconds per hash; OWASP's cheat sheet
    // suggests p = 3 at this N where the CPU can afford it.
    scrypt: { N: 2 ** 15, r: 8, p: 1 },
    rateLimit: { perIpPerMinute: 30, perIpPerUserPerMinute: 10, slowdownAfterFailures: 10, slowdownMaxSec: 60, maxTracked: 100_000, ipv6PrefixBits: 64, exempt: [] },
    hashing: { maxConcurrent: 4, maxQueuedLogins: 256, maxRegistrations: 16 },
    // No web page of another origin may log in until the operator names it.
    cors: { origins: [] },
  },
  gate: {
    host: LOOPBACK,
    tcpPort: 3010,
    wsPort: 3011,
    kcpPort: 3012,
    wsPath: '/',
    identityKeyPath: 'data/gate-identity.key',
    handshakeTimeoutMs: 10_000,
    authTimeoutMs: 20_000,
    heartbeatMs: 10_000,
    timeoutMs: 30_000,
    maxPacketBytes: 65_600,
    maxMessageBytes: 65_536,
    compressThreshold: 1_024,
    ratePerSecond: 200,
    rateBurst: 400,
    maxPending: 64,
    maxBufferedBytes: 4 * 1024 * 1024,
    maxConnections: 20_000,
    maxPendingConnections: 2_048,
    maxPendingPerAddress: 64,
    // One host, one home line or one rented server usually holds a whole /64.
    ipv6PrefixBits: 64,
    fdReserve: 1_024,
    resumeGraceMs: 30_000,
    // Long enough for a session of an evening; a login token (auth.tokenTtlSec) is needed besides.
    resumeTokenTtlMs: 6 * 3_600_000,
    drainMoveMs: 15_000,
    lobbyTimeoutMs: 5_000,
    lobbyPolicy: 'least-load',
    onlineIndex: 'memory',
    onlineTtlMs: 60_000,
    routes: [],
    rules: { 'sys.*': 'block', 'admin.*': 'block' },
  },
  // Far above any legitimate pause (a full garbage collection of a large heap takes a second or
  // two); short enough that the players of a stuck gate soon reconnect to another.
  // No game by default: standalone.jsonc names the worked example; a lobby without one refuses to start.
  lobby: { tickHz: 20, watch: false, drainTimeoutMs: 30_000, flushIntervalMs: 5_000, maxQueuedPerSession: 64, maxUnauthenticatedInFlight: 1_024, settleWaitMs: 10_000, criticalWaitMs: 2_000, saveAttempts: 5, saveRetryMs: 100, maxQueuedPerEntity: 64, maxTimersPerEntity: 1_024, maxSpaces: 1_000, globalCheckMs: 1_000, migrationTimeoutMs: 5_000, migrationForwardMs: 300_000, maxMigrationForwards: 100_000 },
  // No modes: a game's modes are configured with it (config/services.jsonc, config/standalone.jsonc).
  matchmaker: {
    enabled: true,
    store: 'memory',
    intervalMs: 1_000,
    sweepIntervalMs: 10_000,
    maxTicketsPerMode: 100_000,
    launchAttempts: 3,
    claimTtlMs: 60_000,
    callTimeoutMs: 5_000,
    maxConcurrentLaunches: 32,
    modes: {},
  },
  watchdog: { enabled: true, stallMs: 10_000 },
  metrics: { enabled: true, maxRoutes: 200, process: true },
  // Off by default: a collector is named on purpose (tracing.otlpUrl).
  tracing: { enabled: false, sampleRatio: 1, maxQueuedSpans: 2_048 },
  // No keys and no admin accounts by default: the API answers only to what the operator names.
  admin: { enabled: true, apiKeys: {}, accounts: [], tokenTtlSec: 3_600 },
});
