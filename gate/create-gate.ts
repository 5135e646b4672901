/**
 * Builds a {@link Gate} from the configuration: acceptors for the enabled transports, the
 * identity key, the protocol settings, the online index and the lobby selection policy.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Discovery } from '../engine/cluster/discovery.js';
import { createSelector } from '../engine/cluster/select.js';
import type { Config } from '../engine/config/index.js';
import type { CatalogueEntry } from '../engine/errors/coded-error.js';
import type { Logger } from '../engine/log/types.js';
import { GateMetrics } from '../engine/metrics/gate-metrics.js';
import { KcpMetrics } from '../engine/metrics/kcp-metrics.js';
import { SYSTEM_ROUTE } from '../engine/protocol/constants.js';
import type { Registry } from 'prom-client';
import { createCompression } from '../engine/protocol/compression-zlib.js';
import type { RpcNode } from '../engine/rpc/rpc-node.js';
import type { Clock } from '../engine/timer/clock.js';
import type { TimerService } from '../engine/timer/timer-service.js';
import type { Acceptor } from './client-transport.js';
import { fitConnectionCap } from './fd-reserve.js';
import { Gate } from './gate.js';
import { loadIdentityKey } from './identity-key.js';
import { KcpAcceptor } from './kcp-acceptor.js';
import { MemoryOnlineIndex, type OnlineIndex } from '../engine/hub/online-index.js';
import { RedisOnlineIndex } from '../engine/hub/redis-online-index.js';
import { ResumeTokens, resumeKeyFrom } from './resume-token.js';
import type { TokenCheck } from './session-manager.js';
import { TcpAcceptor } from './tcp-acceptor.js';
import { WsAcceptor } from './ws-acceptor.js';
import type { Tracing } from '../engine/tracing/tracing.js';

/** What a gate needs besides its configuration. */
export interface GateDeps {
  rpc: RpcNode;
  discovery: Discovery;
  tokens: TokenCheck;
  clock: Clock;
  timers: TimerService;
  logger: Logger;
  /**
   * The online index to use (the composition root shares it with a matchmaker in the same
   * process); default: one built from `gate.onlineIndex`.
   */
  index?: OnlineIndex;
  /** A Redis client, required when `gate.onlineIndex` is `redis` and no `index` is given. */
  redis?: Redis;
  /** Prefix of this cluster's Redis keys (`redis.prefix`; default `tessera:`). */
  redisPrefix?: string;
  /** The server type that hosts sessions (default `lobby`). */
  lobbyType?: string;
  /** The server type of gates, where a draining gate sends its clients (default `gate`). */
  gateType?: string;
  /** Catalogues of lobby errors, so clients get their numeric codes. */
  lobbyErrors: readonly Readonly<Record<string, CatalogueEntry>>[];
  /**
   * The cluster secret (`rpc.secret`), from which every gate derives the same resume-token key,
   * so that a session resumes on any gate; default: random bytes (one gate alone, standalone).
   */
  clusterSecret?: Uint8Array;
  /** Where the gate's and KCP's metrics go (the server's registry) and how many route labels they keep; left out, nothing is counted. */
  metrics?: { registry: Registry; maxRoutes: number };
  /** The server's tracer, when `tracing.enabled`: each client request is a span. */
  tracing?: Tracing;
}

/**
 * A gate for `config.gate`.
 * @throws Error when the identity key file is bad or Redis is required but missing.
 */
export function createGate(config: Config['gate'], deps: GateDeps): Gate {
  const { rpc, discovery, tokens, clock, timers, logger } = deps;
  const maxConnections = fitConnectionCap(config.maxConnections, config.fdReserve, logger);
  const acceptors: Acceptor[] = [];
  if (config.tcpPort >= 0) acceptors.push(new TcpAcceptor(config.host, config.tcpPort, logger));
  if (config.wsPort >= 0) {
    acceptors.push(
      new WsAcceptor({ host: config.host, port: config.wsPort, path: config.wsPath, maxMessageBytes: config.maxPacketBytes + 4, handshakeTimeoutMs: config.handshakeTimeoutMs, timers, logger }),
    );
  }
  const kcp = config.kcpPort >= 0 ? new KcpAcceptor({ host: config.host, port: config.kcpPort, clock, timers, logger: logger.child({ component: 'kcp' }), maxSessions: maxConnections }) : undefined;
  if (kcp) acceptors.push(kcp);
  let metrics: GateMetrics | undefined;
  if (deps.metrics) {
    metrics = new GateMetrics(deps.metrics.registry, { maxRoutes: deps.metrics.maxRoutes, routes: [SYSTEM_ROUTE.AUTH, SYSTEM_ROUTE.ROUTES, ...config.routes] });
    if (kcp) new KcpMetrics(deps.metrics.registry).watch(() => kcp.kcpServer);
  }
  let index: OnlineIndex;
  if (deps.index) {
    index = deps.index;
  } else if (config.onlineIndex === 'redis') {
    if (!deps.redis) throw new Error('gate: gate.onlineIndex is redis but no Redis client was given');
    index = new RedisOnlineIndex(deps.redis, { ttlMs: config.onlineTtlMs, ...(deps.redisPrefix === undefined ? {} : { prefix: deps.redisPrefix }) });
  } else {
    index = new MemoryOnlineIndex();
  }
  return new Gate({
    identity: loadIdentityKey(config.identityKeyPath),
    acceptors,
    timing: { handshakeTimeoutMs: config.handshakeTimeoutMs, heartbeatMs: config.heartbeatMs, timeoutMs: config.timeoutMs },
    authTimeoutMs: config.authTimeoutMs,
    limits: { maxPacketBytes: config.maxPacketBytes, maxMessageBytes: config.maxMessageBytes },
    compression: config.compressThreshold > 0 ? createCompression('deflate-raw') : undefined,
    compressThreshold: config.compressThreshold,
    routes: config.routes,
    rules: config.rules,
    rate: { perSecond: config.ratePerSecond, burst: config.rateBurst },
    maxPending: config.maxPending,
    maxBufferedBytes: config.maxBufferedBytes,
    maxConnections,
    maxPendingConnections: config.maxPendingConnections,
    maxPendingPerAddress: config.maxPendingPerAddress,
    ipv6PrefixBits: config.ipv6PrefixBits,
    onlineTtlMs: config.onlineTtlMs,
    sessions: {
      gateId: () => rpc.serverId,
      rpc,
      discovery,
      index,
      tokens,
      selector: createSelector({ kind: config.lobbyPolicy }),
      lobbyType: deps.lobbyType ?? 'lobby',
      resumeGraceMs: config.resumeGraceMs,
      resumeTokens: new ResumeTokens(resumeKeyFrom(deps.clusterSecret ?? randomBytes(32)), config.resumeTokenTtlMs, clock),
      lobbyTimeoutMs: config.lobbyTimeoutMs,
    },
    rpc,
    discovery,
    gateType: deps.gateType ?? 'gate',
    drainMoveMs: config.drainMoveMs,
    lobbyErrors: deps.lobbyErrors,
    clock,
    timers,
    logger,
    publicHost: config.publicHost,
    metrics,
    tracing: deps.tracing,
  });
}
