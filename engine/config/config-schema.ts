/**
 * The engine's configuration schema: every setting, its type and its limits. Defaults live in
 * defaults.ts; where settings come from is in load-config.ts. Later issues extend the sections.
 */

import { LOG_LEVELS } from '../log/types.js';
import { MAX_AUTH_TOKEN_BYTES } from '../protocol/auth-request.js';
import { array, boolean, number, object, oneOf, optional, record, string, type Infer } from './schema.js';

/** The kinds of server process; `standalone` runs gate, lobby and services in one process. */
export const ROLES = ['standalone', 'gate', 'lobby', 'services'] as const;
/** One of {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** Discovery backends: in-process (standalone) or etcd (cluster). */
export const DISCOVERY_BACKENDS = ['memory', 'etcd'] as const;
/** One of {@link DISCOVERY_BACKENDS}. */
export type DiscoveryBackend = (typeof DISCOVERY_BACKENDS)[number];

/** Persistence backends: embedded LMDB (standalone, nothing to install) or MongoDB (cluster). */
export const STORE_BACKENDS = ['lmdb', 'mongodb'] as const;
/** One of {@link STORE_BACKENDS}. */
export type StoreBackend = (typeof STORE_BACKENDS)[number];

const KIB = 1024;
const MIB = 1024 * KIB;
/** MongoDB's own limit on one BSON document. */
const MONGO_MAX_BSON_BYTES = 16 * MIB;

const nonEmpty = () => string({ minLength: 1 });
const count = (min: number, max?: number) => number({ integer: true, min, ...(max === undefined ? {} : { max }) });

/** The configuration schema; see {@link Config} for the resulting type. */
export const configSchema = object({
  server: object({
    /**
     * Unique id of this process in the cluster; used in etcd keys and entity mailboxes. When left
     * out it is derived at start-up as `<role>-<hostname>-<index>`.
     */
    id: optional(string({ pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/ })),
    /** Which process this is; also picks `config/<role>.jsonc`. */
    role: oneOf(ROLES),
    /** The address other servers use to reach this one. */
    host: nonEmpty(),
    /**
     * The build this server says it runs, in its registration (discovery's `version`): a rolling
     * upgrade checks that replacements run the new one. When left out, the engine's version.
     */
    version: optional(string({ pattern: /^[A-Za-z0-9][A-Za-z0-9.+_-]{0,63}$/ })),
  }),
  log: object({
    /** Most verbose level written. */
    level: oneOf(LOG_LEVELS),
    console: object({
      enabled: boolean(),
      /** ANSI colours; for terminals, not for collectors. */
      colors: boolean(),
    }),
    file: object({
      enabled: boolean(),
      /** Directory for log files, created if missing. */
      dir: nonEmpty(),
      /**
       * File name stem; files are `<basename>-<date>.log`. Default: the server id, so that several
       * servers on one host never share (or prune) each other's files.
       */
      basename: optional(string({ pattern: /^(?!.*\.\.)[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/ })),
      /** Rotate when the current file reaches this size. */
      maxFileBytes: count(64 * KIB),
      /** Delete files older than this many days. */
      maxDays: count(1),
      /** Keep at most this many files. */
      maxFiles: count(1),
      /** Keep at most this many bytes of log files; the oldest go first. */
      maxTotalBytes: count(MIB),
      /** Cap on log bytes waiting for a slow disk; past it, lines are dropped and counted. */
      maxBufferedBytes: count(64 * KIB),
    }),
  }),
  store: object({
    /** Which backend `createStore` builds. */
    backend: oneOf(STORE_BACKENDS),
    /** Refuse to save a document whose encoded size is larger than this (both backends). */
    maxDocumentBytes: count(1, MONGO_MAX_BSON_BYTES),
    /** Life of a lobby's ownership claim on an entity it loaded, unless renewed; then another lobby may take it over. */
    claimTtlMs: count(1_000, 3_600_000),
    /** How often a lobby renews its claims; less than `claimTtlMs` (a third of it leaves two tries). */
    claimRenewMs: count(100, 3_600_000),
    /** How long a bind waits for another lobby's claim on the avatar to end before answering LOBBY_ERR_AVATAR_BUSY; 0: no wait. */
    claimWaitMs: count(0, 600_000),
    lmdb: object({
      /** Database directory, created if missing. */
      path: nonEmpty(),
      /** LMDB map size; when left out, lmdb-js grows the map as needed. */
      mapSizeBytes: optional(count(MIB)),
    }),
    mongodb: object({
      /** Connection string; `mongodb://` or `mongodb+srv://`. */
      url: string({ pattern: /^mongodb(\+srv)?:\/\/\S+$/ }),
      database: string({ pattern: /^[^/\\. "$*<>:|?]{1,63}$/ }),
      /** Retries of a failed operation before giving up. */
      maxRetries: count(0, 100),
      /** First retry delay; doubles each retry up to {@link retryMaxMs}. */
      retryBaseMs: number({ min: 0 }),
      retryMaxMs: number({ min: 0 }),
      /** How long one attempt waits for a reachable server before it counts as failed. */
      serverSelectionTimeoutMs: count(100, 600_000),
    }),
  }),
  etcd: object({
    /** Cluster endpoints, e.g. `http://10.0.0.5:2379`. */
    hosts: array(string({ pattern: /^https?:\/\/\S+$/ }), { maxItems: 64 }),
    /** Key prefix that keeps this cluster apart from others sharing the etcd. */
    prefix: nonEmpty(),
    /** Membership lease; a dead server disappears after about this long. */
    leaseTtlSeconds: count(2, 3600),
  }),
  cluster: object({
    /** Where membership lives: `memory` for one process, `etcd` for a cluster. */
    discovery: oneOf(DISCOVERY_BACKENDS),
    /** Time between load reports (sessions, entities, event-loop lag, CPU). */
    loadReportIntervalMs: count(100, 600_000),
    /** The lease counts as lost this long before its TTL; default max(500 ms, TTL/4). */
    leaseMarginMs: optional(count(0, 3_600_000)),
  }),
  rpc: object({
    /** Interface the RPC listener binds; other servers dial `server.host`. */
    host: nonEmpty(),
    /** RPC port; 0 picks a free one (discovery tells the others). */
    port: count(0, 65535),
    /** Default time a call waits for its reply. */
    defaultTimeoutMs: count(1, 3_600_000),
    /** Longest wait for a TCP connect to a peer. */
    connectTimeoutMs: count(1, 600_000),
    /**
     * The secret the servers of one cluster share (its UTF-8 bytes, at least 32): each side of a
     * new link proves it knows it. Required for every role but standalone, which makes up its own.
     */
    secret: optional(string()),
    /** Longest time from connect to a finished handshake. */
    handshakeTimeoutMs: count(1, 600_000),
    /** Longest time an accepted connection may take to prove the secret (its HELLO). */
    helloTimeoutMs: count(1, 600_000),
    /** Cap on accepted connections from one address that have not proved the secret yet. */
    maxHandshakesPerAddress: count(1, 1_000_000),
    /** Cap on accepted connections that have not proved the secret yet; past it the oldest is closed. */
    maxHandshakes: count(1, 1_000_000),
    /** Send a ping when nothing was sent for this long. */
    heartbeatIntervalMs: count(10, 600_000),
    /** A peer silent this long is dead: its link closes and calls pending on it fail. */
    deadAfterMs: count(20, 3_600_000),
    /** First delay before dialing a peer again after a failure; doubles up to `reconnectMaxMs`. */
    reconnectBaseMs: count(1, 600_000),
    reconnectMaxMs: count(1, 3_600_000),
    /** Cap on bytes waiting to be sent to one peer; past it calls fail with RPC_ERR_OVERLOADED. */
    maxQueuedBytes: count(64 * KIB, 4096 * MIB),
    /** Cap on calls waiting for replies, over all peers. */
    maxPendingCalls: count(1, 100_000_000),
    /** Cap on open and opening links (one per peer server), unproved connections apart; connections past it are refused. */
    maxLinks: count(2, 1_000_000),
    /** Cap on handlers of other servers' calls still running; calls past it get RPC_ERR_OVERLOADED. */
    maxInFlight: count(1, 100_000_000),
    /** Caps on every frame a peer sends (checked before decoding). */
    limits: object({
      maxFrameBytes: count(1 * KIB, 256 * MIB),
      maxDepth: count(1, 1000),
      maxStringBytes: count(1, 256 * MIB),
      maxBinaryBytes: count(1, 256 * MIB),
      maxArrayLength: count(1, 100_000_000),
      maxMapLength: count(1, 100_000_000),
    }),
  }),
  redis: object({
    /** `redis://` or `rediss://` (TLS) URL. */
    url: string({ pattern: /^rediss?:\/\/\S+$/ }),
    /** Prefix of every key this cluster writes, so that clusters can share one Redis. */
    prefix: string({ pattern: /^[A-Za-z0-9._:-]{1,64}$/ }),
  }),
  /** Cluster messaging (docs/cluster.md): groups, pub/sub topics and pushes to accounts anywhere. */
  hub: object({
    /**
     * Where groups, topics and the lobbies' view of the online index live: `memory` for one process
     * (standalone), `redis` (at `redis.url`) for a cluster, where every server shares them.
     */
    backend: oneOf(['memory', 'redis'] as const),
  }),
  http: object({
    /** Interface for the health and admin endpoint. */
    host: nonEmpty(),
    /** Port for the health and admin endpoint; 0 picks a free one. */
    port: count(0, 65535),
    /**
     * Proxies (addresses, CIDR ranges, or `loopback`, `linklocal`, `uniquelocal`) whose
     * `X-Forwarded-For` names the client; empty: the header is ignored and the client is the peer.
     */
    trustProxy: array(string({ pattern: /^(?:loopback|linklocal|uniquelocal|[0-9A-Fa-f.:]+(?:\/\d{1,3})?)$/ }), { maxItems: 256 }),

    /**
     * Serve the game's web client at `GET /play` (services/play): the page and script in the
     * `web/` folder of the game `lobby.game` names, the script bundled at start-up. Read by the
     * roles that serve login (standalone, services).
     */
    play: boolean(),
  }),
  /** Login tokens as both sides see them: the login service signs with these, gates check them. */
  auth: object({
    /** SPKI PEM file with the login service's Ed25519 public key; gates verify with it. */
    publicKeyPath: optional(nonEmpty()),
    /** The login service's JWKS document, e.g. `http://login:8080/.well-known/jwks.json`; instead of `publicKeyPath`. */
    jwksUrl: optional(string({ pattern: /^https?:\/\/\S+$/ })),
    /** The `iss` claim tokens carry and gates require. */
    issuer: nonEmpty(),
    /** The `aud` claim tokens carry and gates require. */
    audience: nonEmpty(),
    /** Seconds of clock difference forgiven when checking expiry. */
    clockToleranceSec: count(0, 600),
    /** Longer tokens are refused before parsing; at most what a `sys.auth` request carries. */
    maxTokenBytes: count(256, MAX_AUTH_TOKEN_BYTES),
  }),
  /** The login service: accounts, passwords, tokens. */
  login: object({
    /** PKCS #8 PEM file with the Ed25519 signing key; when left out, each process generates its own. */
    privateKeyPath: optional(nonEmpty()),
    /** SPKI PEM file with the matching public key, checked against the private key at start. */
    publicKeyPath: optional(nonEmpty()),
    /** Token lifetime: long enough to reach a gate, short enough that a leaked token soon dies. */
    tokenTtlSec: count(10, 86_400),
    /** Password hashing cost; N must be a power of two. Memory per hash is 128 × N × r bytes. */
    scrypt: object({
      N: count(2, 2 ** 20),
      r: count(1, 32),
      p: count(1, 16),
    }),
    /** Token buckets that refill evenly over a minute, and a slowdown for usernames under attack. */
    rateLimit: object({
      /** Login and register attempts per client address. */
      perIpPerMinute: count(1, 100_000),
      /** Login attempts per (client address, username). */
      perIpPerUserPerMinute: count(1, 100_000),
      /** Failed logins per username per minute, from all addresses, before each address must wait between attempts on it. */
      slowdownAfterFailures: count(1, 100_000),
      /** Longest wait between two attempts from one address on a username under attack. */
      slowdownMaxSec: count(1, 3_600),
      /** Addresses, (address, username) pairs and usernames tracked at once, each; the least recently seen are forgotten first. */
      maxTracked: count(16, 10_000_000),
      /**
       * Leading bits of a client's IPv6 address that count as one address in both address limits:
       * one host usually holds a whole /64. 128 counts each address on its own.
       */
      ipv6PrefixBits: count(32, 128),
      /**
       * Addresses and CIDR ranges (IPv4 or IPv6, e.g. `127.0.0.0/8`, `::1`) that no login limit
       * applies to: load-test machines, a loopback-only development server. Their failed logins do
       * not slow a username down for others either.
       */
      exempt: array(string({ pattern: /^[0-9A-Fa-f.:]+(?:\/\d{1,3})?$/ }), { maxItems: 256 }),
    }),
    /** Password hashing's queue: logins are served before registrations. */
    hashing: object({
      /** Hashes running at once; each takes a thread of libuv's pool (UV_THREADPOOL_SIZE, default 4). */
      maxConcurrent: count(1, 1_024),
      /** Logins waiting for a hash; past it a login is refused with LOGIN_ERR_UNAVAILABLE. */
      maxQueuedLogins: count(1, 100_000),
      /** Registrations hashing or waiting; past it a registration is refused with LOGIN_ERR_REGISTER_BUSY. */
      maxRegistrations: count(1, 100_000),
    }),
    /** Cross-origin access to `/register`, `/login` and the JWKS from web pages (CORS). */
    cors: object({
      /**
       * Origins whose pages may call the service, exactly as browsers send them: `scheme://host[:port]`,
       * lower case, no path or trailing slash. Empty: no cross-origin access.
       */
      origins: array(string({ pattern: /^https?:\/\/(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/ }), { maxItems: 256 }),
    }),
  }),
  /** The gate: client listeners, the client protocol's limits and timing, route rules. */
  gate: object({
    /** Interface the client listeners bind to. */
    host: nonEmpty(),
    /** Host the gate tells clients to connect to (through the login service); defaults to `host`. */
    publicHost: optional(nonEmpty()),
    /** Client ports; 0 picks a free one, -1 turns the transport off. */
    tcpPort: count(-1, 65_535),
    wsPort: count(-1, 65_535),
    kcpPort: count(-1, 65_535),
    /** WebSocket path. */
    wsPath: string({ pattern: /^\/\S*$/ }),
    /** File with the gate's 32-byte X25519 identity key (raw or base64); generated when missing. */
    identityKeyPath: nonEmpty(),
    handshakeTimeoutMs: count(100, 120_000),
    /** A connection not authenticated this long after accept is closed (GATE_ERR_AUTH_TIMEOUT); at least `handshakeTimeoutMs`. */
    authTimeoutMs: count(100, 600_000),
    heartbeatMs: count(100, 600_000),
    /** Close after hearing nothing for this long; at least twice `heartbeatMs`. */
    timeoutMs: count(200, 3_600_000),
    maxPacketBytes: count(1_024, 0xff_ffff),
    maxMessageBytes: count(256, 16 * MIB),
    /** Payloads this large or larger are compressed (deflate-raw) when that pays; 0 turns compression off. */
    compressThreshold: count(0),
    /** Messages per second each connection may send, and the burst it may save up. */
    ratePerSecond: count(1, 1_000_000),
    rateBurst: count(1, 1_000_000),
    /** Requests of one connection waiting for replies, at most. */
    maxPending: count(1, 100_000),
    /** Unsent bytes a connection may hold before its client counts as too slow and is kicked. */
    maxBufferedBytes: count(KIB, 256 * MIB),
    /**
     * Connections at most, across transports, from accept (a WebSocket's before its upgrade) to
     * close; lowered at start-up when the open-file limit cannot hold it plus `fdReserve`.
     */
    maxConnections: count(1, 1_000_000),
    /** Connections that have not authenticated yet (the WebSocket upgrade and the handshake included), at most. */
    maxPendingConnections: count(1, 1_000_000),
    /** The same, from one IP address (an IPv6 address's `ipv6PrefixBits` prefix). */
    maxPendingPerAddress: count(1, 1_000_000),
    /**
     * Leading bits of a client's IPv6 address that count as one address in `maxPendingPerAddress`:
     * one host usually holds a whole /64. 128 counts each address on its own.
     */
    ipv6PrefixBits: count(32, 128),
    /** File descriptors kept out of `maxConnections` for the process's own needs (HTTP, RPC, logs, the store). */
    fdReserve: count(0, 1_000_000),
    /** How long a session whose connection dropped waits for the client to resume it. */
    resumeGraceMs: count(0, 3_600_000),
    /**
     * How long a resume token is accepted after its gate issued it (in every auth reply): a client
     * shows it to any gate of the cluster to resume its session there (gate/resume-token.ts).
     */
    resumeTokenTtlMs: count(1_000, 7 * 24 * 3_600_000),
    /**
     * How long a draining gate waits for its clients to move to another gate (told by a `sys.move`
     * push with a resume token) before it kicks those still connected.
     */
    drainMoveMs: count(0, 600_000),
    /** Deadline of a call from the gate to a lobby. */
    lobbyTimeoutMs: count(10, 600_000),
    /** How sessions are spread over lobbies. */
    lobbyPolicy: oneOf(['least-load', 'consistent-hash', 'round-robin', 'random'] as const),
    /** Where the uid → session index lives: in memory (one gate) or in Redis (several gates). */
    onlineIndex: oneOf(['memory', 'redis'] as const),
    /**
     * How long an account's entry in the Redis online index lives unless its gate refreshes it
     * (every third of it): how long the entries of a gate that died unnoticed outlast it.
     */
    onlineTtlMs: count(3_000, 3_600_000),
    /** Routes sent as 2-byte codes (the route dictionary). */
    routes: array(nonEmpty(), { maxItems: 65_536 }),
    /** Route rules: pattern (`A.b`, `admin.*`, `*`) → `block`, `pass` or `auth`; reloaded on SIGHUP. */
    rules: record(oneOf(['block', 'pass', 'auth'] as const)),
  }),
  /** A lobby's game and world (docs/lobby.md); read by the lobby and standalone roles. */
  lobby: object({
    /**
     * The game the lobby runs: a module path (relative to the working directory, else to the
     * engine's root; with or without its extension or `/index`) or a package name, whose default
     * export is `defineGame({...})`. `--game <path>` is short for `--lobby.game <path>`.
     */
    game: optional(nonEmpty()),
    /** World steps per second. */
    tickHz: count(1, 1_000),
    /** Reload the game's code when a file under the game's folder changes (development: `npm run dev`). */
    watch: boolean(),
    /**
     * How long a draining lobby waits for its entities and players to answer on other lobbies
     * (live migration) before it stops anyway, saving what stayed.
     */
    drainTimeoutMs: count(1_000, 600_000),
    /** Period of the batched save of dirty entities. */
    flushIntervalMs: count(100, 3_600_000),
    /** Requests of one session waiting or running; past it: LOBBY_ERR_QUEUE_FULL. */
    maxQueuedPerSession: count(1, 100_000),
    /** Requests without a session (routes that pass before login) running at once. */
    maxUnauthenticatedInFlight: count(1, 1_000_000),
    /** How long a logout, a takeover and a drain wait for a session's running request. */
    settleWaitMs: count(0, 600_000),
    /**
     * How long a request that made a critical change waits for its save before it is answered
     * LOBBY_ERR_STORE (the change is kept and saved later); keep it below `gate.lobbyTimeoutMs`.
     */
    criticalWaitMs: count(10, 600_000),
    /** Attempts at saving an avatar at once (a new one, a logout) before giving up. */
    saveAttempts: count(1, 100),
    /** Wait before the second attempt at such a save, doubled before each next one (up to 32 times it). */
    saveRetryMs: count(0, 60_000),
    /** Calls from other servers waiting or running on one entity; past it: RPC_ERR_QUEUE_FULL. */
    maxQueuedPerEntity: count(1, 100_000),
    /** Live timers of one entity; past it, starting another throws. */
    maxTimersPerEntity: count(1, 1_000_000),
    /**
     * Spaces one lobby hosts at once (live, being created, being disposed); past it creating one
     * answers SPACE_ERR_TOO_MANY, and cluster-wide creation tries the other lobbies.
     */
    maxSpaces: count(1, 1_000_000),
    /**
     * Time between two looks at the owners of the game's global entities: a global without a live
     * owner is taken by a lobby within about this time (and at once when its old owner leaves).
     */
    globalCheckMs: count(50, 600_000),
    /** Deadline of the call that asks another lobby to take in an entity moving there (live migration). */
    migrationTimeoutMs: count(10, 600_000),
    /** How long a lobby sends calls to the old mailbox of an entity that moved away on to where it went. */
    migrationForwardMs: count(1_000, 86_400_000),
    /** Such forwarding records a lobby keeps at most; the oldest are forgotten first. */
    maxMigrationForwards: count(1, 10_000_000),
  }),
  /** The matchmaker (docs/matchmaking.md); runs in the services and standalone roles. */
  matchmaker: object({
    /** Run a matchmaker in this process (services and standalone roles only). */
    enabled: boolean(),
    /** Where tickets wait: in memory (one process) or in Redis (shared by every matchmaker; they survive a restart). */
    store: oneOf(['memory', 'redis'] as const),
    /** Period of the pass that forms and launches matches. */
    intervalMs: count(10, 600_000),
    /** Period of the sweep that cancels the tickets of players who went offline. */
    sweepIntervalMs: count(100, 3_600_000),
    /** Waiting tickets per mode; past it, a ticket is refused with MATCH_ERR_QUEUE_FULL. */
    maxTicketsPerMode: count(1, 1_000_000),
    /** Launches of a ticket that may fail before it is dropped. */
    launchAttempts: count(1, 100),
    /** How long a launch holds its tickets before another pass may take them back; above twice `callTimeoutMs`. */
    claimTtlMs: count(1_000, 3_600_000),
    /** Deadline of each call a launch makes (a lobby's `spaces.create`, a gate's `move`), and of a lobby's calls to the matchmaker. */
    callTimeoutMs: count(10, 600_000),
    /** Matches launched at once. */
    maxConcurrentLaunches: count(1, 10_000),
    /** The modes players queue for, by name (e.g. `2v2`). */
    modes: record(
      object({
        /** Teams per match. */
        teams: count(1, 64),
        /** Players per team; a party is at most this large. */
        teamSize: count(1, 64),
        /** The space type a lobby creates for each match. */
        space: nonEmpty(),
        /** How far apart ratings in one match may be: `start`, widening by `growPerSecond` of waiting, up to `max`. */
        window: object({ start: number({ min: 0 }), growPerSecond: number({ min: 0 }), max: number({ min: 0 }) }),
      }),
    ),
  }),
  /** The event-loop watchdog every server process runs (docs/watchdog.md). */
  watchdog: object({
    /** Watch the main event loop; turn off only to pause a process in a debugger. */
    enabled: boolean(),
    /**
     * End the process (SIGKILL, after a report on stderr and in `<log.file.dir>/<basename>-watchdog.log`)
     * when its main event loop has not run for this long.
     */
    stallMs: count(100, 3_600_000),
  }),
  /** Prometheus metrics at `/metrics` on the server's HTTP port (docs/operations.md). */
  metrics: object({
    /** Count and serve metrics; off, the hot paths record nothing and `/metrics` answers 404. */
    enabled: boolean(),
    /** Route labels a gate keeps, and RPC scope and space type labels; values past these count under the label `other`. */
    maxRoutes: count(1, 10_000),
    /** Node's own metrics (event-loop lag, GC, heap, CPU), sampled by prom-client. */
    process: boolean(),
  }),
  /** OpenTelemetry traces from the gate through RPC to the store (docs/operations.md). */
  tracing: object({
    /** Make spans; off, requests carry the trace id only, for log lines. */
    enabled: boolean(),
    /** OTLP/HTTP traces endpoint, e.g. `http://collector:4318/v1/traces`; left out, spans are made but not exported. */
    otlpUrl: optional(string({ pattern: /^https?:\/\/\S+$/ })),
    /** Share of new traces sampled; a trace begun elsewhere keeps its caller's decision. */
    sampleRatio: number({ min: 0, max: 1 }),
    /** Ended spans waiting for export at most; past it, new ones are dropped (and counted). */
    maxQueuedSpans: count(64, 1_000_000),
    /** The `service.name` resource attribute; default `tessera-<role>`. */
    serviceName: optional(nonEmpty()),
  }),
  /** The admin API and dashboard at `/admin`, on the services and standalone roles (docs/operations.md). */
  admin: object({
    /** Serve `/admin` on this server (services and standalone roles only). */
    enabled: boolean(),
    /**
     * API keys by the name logged with each call, e.g. `{ "ops-bot": "${ADMIN_KEY}" }`; at least
     * 32 characters each, sent as `Authorization: Bearer <key>`.
     */
    apiKeys: record(string({ minLength: 32 })),
    /** Usernames whose login at `/admin/login` gives an admin token (signed by the login service, claim `admin`). */
    accounts: array(nonEmpty(), { maxItems: 1_000 }),
    /** Lifetime of an admin token. */
    tokenTtlSec: count(60, 86_400),
  }),
});

/** The loaded configuration: fully typed, deeply readonly, and frozen at run time. */
export type Config = Infer<typeof configSchema>;
