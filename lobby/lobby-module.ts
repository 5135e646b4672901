/**
 * A lobby as one lifecycle module: the game's world (its entity types and systems), its spaces
 * (space-host.ts, each with its own world), entity persistence on the open store over all those
 * worlds, the session host served to gates with the game's services, the tick loop and the
 * periodic save of dirty entities, and the game's start and stop hooks. Built at start, since it
 * needs the store and the RPC node already running.
 */
import { createEntityHost } from '../engine/ecs/entity-host.js';
import { EntityPersistence } from '../engine/ecs/entity-persistence.js';
import { EntityRegistry } from '../engine/ecs/entity-registry.js';
import { bothObservers, RecentTicks, type TickSummary } from '../engine/ecs/recent-ticks.js';
import type { TaskContext } from '../engine/ecs/entity-queue.js';
import { TickLoop } from '../engine/ecs/tick-loop.js';
import { World } from '../engine/ecs/world.js';
import { WorldGroup } from '../engine/ecs/world-group.js';
import type { Discovery } from '../engine/cluster/discovery.js';
import { MemoryPubSub } from '../engine/hub/memory-pub-sub.js';
import type { PubSub } from '../engine/hub/pub-sub.js';
import { ScopedPubSub } from '../engine/hub/scoped-pub-sub.js';
import { ClusterPush } from '../engine/hub/cluster-push.js';
import type { Groups } from '../engine/hub/groups.js';
import { MemoryGroups } from '../engine/hub/memory-groups.js';
import { MemoryOnlineIndex } from '../engine/hub/online-index.js';
import type { Module } from '../engine/lifecycle/lifecycle.js';
import type { Logger } from '../engine/log/types.js';
import type { LobbyMetrics, LobbyStats } from '../engine/metrics/lobby-metrics.js';
import type { Store } from '../engine/persist/store.js';
import type { RpcNode } from '../engine/rpc/rpc-node.js';
import { LOBBY_SESSIONS_METHODS, LOBBY_SESSIONS_SERVICE } from '../engine/session/session-contract.js';
import type { Clock } from '../engine/timer/clock.js';
import { TimerService } from '../engine/timer/timer-service.js';
import { EntityMigration, MIGRATION_METHODS, MIGRATION_SERVICE, type HandOverSteps } from './entity-migration.js';
import { EntityNames } from './entity-names.js';
import { LOBBY_DEFAULTS, MIGRATION_DEFAULTS, type LobbySettings, type MigrationSettings } from './lobby-defaults.js';
import { MigrationRecords } from './migration-records.js';
import { evacuate, type EvacuationReport } from './evacuate.js';
import { emptyLobby } from './lobby-drain.js';
import type { PlayerEntity } from './player-entity.js';
import type { GameDefinition } from './define-game.js';
import { LobbyGameContext } from './game-context.js';
import { LobbyGameMatchmaker } from './game-matchmaker.js';
import { GlobalEntities } from './global-entities.js';
import { LobbySpaces } from './game-spaces.js';
import type { Service, ServiceClass } from './service.js';
import { SessionHost } from './session-host.js';
import { ClusterSpaces } from './cluster-spaces.js';
import { SpaceDirectory } from './space-directory.js';
import { SpaceHost } from './space-host.js';
import { runHook } from './space-moves.js';
import { SPACE_SERVICE, SPACE_SERVICE_METHODS, SpaceService } from './space-service.js';
import { createSpaceSync } from './space-sync.js';
import type { SpaceSyncFactory } from './space-sync-stage.js';
import { ratedSystems } from './system-rate.js';
import type { Tracing } from '../engine/tracing/tracing.js';
import type { ReloadReport } from '../engine/admin/admin-contract.js';
import type { GameModule } from './reload/game-module.js';
import { GameReloader } from './reload/game-reloader.js';
import { watchGame } from './reload/watch-game.js';

/** What a {@link LobbyModule} needs. */
export interface LobbyModuleOptions {
  /** The game this lobby runs. */
  game: GameDefinition;
  /**
   * The module `game` was loaded from (lobby/reload/game-module.ts), which {@link LobbyModule.reload}
   * loads again; without it, a reload is refused.
   */
  gameModule?: Pick<GameModule, 'load' | 'root'>;
  /** Reloads the game when a file of its folder changes (`lobby.watch`; development only). Default false. */
  watch?: boolean;
  rpc: RpcNode;
  /** Membership: the sessions of a gate that leaves are closed. */
  discovery: Discovery;
  /** The server type of gates: `gate`, or `standalone` in one process. */
  gateType: string;
  /**
   * What `game.push` and `game.groups` use: the server's push to accounts anywhere and its
   * groups (server.ts builds them on the cluster's online index). Default: both in this lobby's
   * memory over an online index of its own, in which no account is logged in.
   */
  messaging?: { push: ClusterPush; groups: Groups };
  /** Where `game.matchmaker` finds matchmakers: their server type (default `services`) and each call's deadline (default 5,000 ms). */
  matchmaker?: { type: string; callTimeoutMs: number };
  store: () => Store;
  /** Real time: sessions, saves and ownership claims. */
  clock: Clock;
  /**
   * The game's time: the world, the tick loop and the game context's `now()` (default: `clock`).
   * The test kit passes a manual clock here, so a test steps the game while sockets, RPC and
   * saves keep real time.
   */
  gameClock?: Clock;
  logger: Logger;
  /** Simulation steps per second (default 20). */
  tickHz?: number;
  /** Period of the batched save of dirty entities (default 5,000 ms). */
  flushIntervalMs?: number;
  /** Calls from other servers waiting or running on one entity (default 64). */
  maxQueuedPerEntity?: number;
  /** Live timers of one entity (default 1,024). */
  maxTimersPerEntity?: number;
  /** Spaces this lobby hosts at most (`lobby.maxSpaces`; default 1,000; see SpaceHostOptions.maxSpaces). */
  maxSpaces?: number;
  /** Time between two looks at the game's global entities' owners (default 1,000 ms; global-entities.ts). */
  globalCheckMs?: number;
  /** Life of an entity's ownership claim unless renewed (`store.claimTtlMs`). */
  claimTtlMs?: number;
  /** Period of the renewal of claims (`store.claimRenewMs`). */
  claimRenewMs?: number;
  /** How long a bind waits for another lobby's claim on the avatar to end (`store.claimWaitMs`). */
  claimWaitMs?: number;
  /** The session host's caps and waits (`lobby.*`); defaults in lobby-defaults.ts. */
  /** The server's tracer, when `tracing.enabled`: client requests are spans `lobby <route>`. */
  tracing?: Tracing;
  sessions?: Partial<Pick<LobbySettings, 'maxQueuedPerSession' | 'maxUnauthenticatedInFlight' | 'settleWaitMs' | 'saveAttempts' | 'saveRetryMs' | 'criticalWaitMs'>>;
  /**
   * When true, {@link LobbyModule.start} leaves the game's start (the services' and the game's
   * `onStart`, then the tick loop) to {@link LobbyModule.startGame}, which the composition root
   * runs once the server is registered in the cluster: under its final server id, so that
   * `onStart` can claim names and what it loads is claimed by the id the lobby keeps. Default false.
   */
  deferGameStart?: boolean;
  /**
   * How long a drain waits for the lobby's players and entities to answer on other lobbies
   * before it stops anyway, saving what stayed (`lobby.drainTimeoutMs`; default 30,000 ms).
   */
  drainTimeoutMs?: number;
  /** Live entity migration's deadline and forwarding records (`lobby.migration*`); defaults in lobby-defaults.ts. */
  migration?: Partial<MigrationSettings>;
  /**
   * Makes each space's sync stage (space-sync-stage.ts). Default: space-sync.ts, which sends each
   * player of a space its view after every step of the space.
   */
  createSpaceSync?: SpaceSyncFactory;
  /**
   * The cluster's topics (the process's hub): the game reaches them as `game.hub`, and its
   * subscriptions end when the game stops. Default: a hub of this lobby's own, in memory.
   */
  hub?: PubSub;
  /** Observes the tick loops of the lobby's world and spaces, by space type (engine/metrics/lobby-metrics.ts). */
  metrics?: Pick<LobbyMetrics, 'tickObserver'>;
  /**
   * The trace context of the server's log lines (`traceContextOf(logger)`): a call that waits in an
   * entity's queue runs under its own trace, not that of the call before it.
   */
  trace?: TaskContext;
}

/** The `space` the metrics know the lobby's own world by. */
const LOBBY_WORLD = 'lobby';

/** Default of {@link LobbyModuleOptions.drainTimeoutMs}, as `lobby.drainTimeoutMs`'s. */
const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

/** What RPC sees of a draining lobby's world: no entity to call. */
const NO_ENTITIES = { find: () => undefined };

/** One lobby's world and sessions. */
export class LobbyModule implements Module {
  readonly name = 'lobby';
  private host: SessionHost | undefined;
  private worlds: WorldGroup | undefined;
  private spaceHost: SpaceHost | undefined;
  private timers: TimerService | undefined;
  private loop: TickLoop | undefined;
  /** The latest steps of the lobby's world and spaces together. */
  private readonly recentTicks = new RecentTicks();
  private unsubscribe: (() => void) | undefined;
  private context: LobbyGameContext | undefined;
  private hub: ScopedPubSub | undefined;
  private globals: GlobalEntities | undefined;
  private migration: EntityMigration | undefined;
  private persistence: EntityPersistence | undefined;
  private services: Service[] = [];
  private gameStarted = false;
  private reloader: GameReloader | undefined;
  private unwatch: (() => void) | undefined;

  constructor(private readonly options: LobbyModuleOptions) {}

  /** Sessions bound here, for load reports. */
  get sessionCount(): number {
    return this.host?.sessionCount ?? 0;
  }

  /** Live entities in the lobby world and its spaces, for load reports. */
  get entityCount(): number {
    return this.worlds?.entityCount ?? 0;
  }

  /**
   * Entities whose changes wait for a save (the save queue): retried by every periodic flush, and
   * bounded by the entities in the lobby, since an entity counts once however often it changed.
   */
  get saveQueue(): number {
    return this.worlds?.countDirty() ?? 0;
  }

  /** The latest steps of the lobby's world and spaces, once one ran (the admin service reports them). */
  get recentTickStats(): TickSummary | undefined {
    return this.recentTicks.summary();
  }

  /** The lobby's spaces, once started (the cross-lobby services and the test kit use it). */
  get spaces(): SpaceHost | undefined {
    return this.spaceHost;
  }

  /** The game's view of this lobby, once started (the test kit reads entities through it). */
  get game(): LobbyGameContext | undefined {
    return this.context;
  }

  /** The avatar of account `uid`, while its session is bound here (the test kit's `player(client)`). */
  avatarOf(uid: string): PlayerEntity | undefined {
    return this.host?.avatarOf(uid);
  }

  /** The lobby's counts for metrics (zeros before start). */
  stats(): LobbyStats {
    return {
      sessions: this.sessionCount,
      entities: this.entityCount,
      spaces: this.spaceHost?.hosted ?? 0,
      saveQueue: this.saveQueue,
      saves: this.persistence?.stats() ?? { saved: 0, failed: 0, conflicts: 0, lost: 0 },
      gateLink: this.host?.gateLinkStats() ?? { pushes: 0, kicks: 0, failures: 0 },
    };
  }

  async start(): Promise<void> {
    const { rpc, clock, logger, game } = this.options;
    const gameClock = this.options.gameClock ?? clock;
    const tickHz = this.options.tickHz ?? 20;
    const registry = new EntityRegistry();
    for (const [name, cls] of Object.entries(game.entities)) registry.register(name, cls);
    // One timer service for all the lobby's worlds: an entity keeps its timers across spaces.
    const timers = new TimerService({ clock: gameClock, logger });
    const world = new World({
      logger,
      clock: gameClock,
      registry,
      timers,
      ...(this.options.maxQueuedPerEntity === undefined ? {} : { queueLimit: this.options.maxQueuedPerEntity }),
      ...(this.options.trace ? { taskContext: this.options.trace } : {}),
      ...(this.options.maxTimersPerEntity === undefined ? {} : { maxTimersPerEntity: this.options.maxTimersPerEntity }),
    });
    world.replaceSystems(ratedSystems(game.systems, tickHz));
    const worlds = new WorldGroup(world);
    const store = this.options.store();
    const persistence = new EntityPersistence({ world: worlds, registry, store, logger, clock,
      owner: () => rpc.serverId,
      ...(this.options.claimTtlMs === undefined ? {} : { claimTtlMs: this.options.claimTtlMs }),
      ...(this.options.claimRenewMs === undefined ? {} : { claimRenewMs: this.options.claimRenewMs }),
    });
    const entityHost = createEntityHost({ rpc, persistence });
    world.setHost(entityHost);
    // Every live space is named in discovery, so that any server finds its lobby.
    const directory = new SpaceDirectory({ discovery: this.options.discovery, serverId: () => rpc.serverId, logger });
    const spaces = new SpaceHost({
      game,
      worlds,
      registry,
      persistence,
      store,
      entityHost,
      clock: gameClock,
      timers,
      logger,
      lobbyId: () => rpc.serverId,
      tickHz,
      ...(this.options.maxQueuedPerEntity === undefined ? {} : { queueLimit: this.options.maxQueuedPerEntity }),
      ...(this.options.trace ? { taskContext: this.options.trace } : {}),
      ...(this.options.maxTimersPerEntity === undefined ? {} : { maxTimersPerEntity: this.options.maxTimersPerEntity }),
      createSync: this.options.createSpaceSync ?? createSpaceSync(registry),
      names: directory,
      ...(this.options.maxSpaces === undefined ? {} : { maxSpaces: this.options.maxSpaces }),
      ticks: (type: string) => bothObservers(this.recentTicks.observe, this.options.metrics?.tickObserver(type)),
    });
    const host: SessionHost = new SessionHost({
      rpc,
      world: worlds,
      placement: spaces,
      registry,
      persistence,
      clock,
      logger,
      avatarType: registry.lookup(game.player).name,
      flushIntervalMs: this.options.flushIntervalMs ?? 5_000,
      // The migration is made below, with this host: an avatar's move is its hand-over with the session.
      handOver: (avatar: PlayerEntity, lobbyId: string, steps: HandOverSteps): Promise<void> => migration.handOver(avatar, lobbyId, steps),
      ...(this.options.claimWaitMs === undefined ? {} : { claimWaitMs: this.options.claimWaitMs }),
      ...this.options.sessions,
      ...(this.options.tracing ? { tracing: this.options.tracing } : {}),
    });
    // A player whose avatar another owner took is no longer in its space.
    persistence.onOwnershipLost((entity) => spaces.lost(entity));
    // The player's space sends a client that resumed on a new connection a fresh snapshot.
    host.onResumed((avatar) => spaces.resync(avatar));
    const avatarOf = (uid: string): PlayerEntity | undefined => host.avatarOf(uid);
    const push = this.options.messaging?.push ?? new ClusterPush({ online: new MemoryOnlineIndex(), rpc, logger });
    const groups = this.options.messaging?.groups ?? new MemoryGroups(push);
    const migrationSettings = { ...MIGRATION_DEFAULTS, ...this.options.migration };
    const names = new EntityNames(this.options.discovery);
    const records = new MigrationRecords({
      serverId: () => rpc.serverId,
      isHere: (id) => worlds.find(id) !== undefined,
      clock,
      forwardMs: migrationSettings.forwardMs,
      maxForwards: migrationSettings.maxForwards,
    });
    const migration: EntityMigration = new EntityMigration({
      rpc,
      world: worlds,
      host: entityHost,
      names,
      records,
      bindArriving: (info) => host.bind(info, true),
      logger,
      acceptTimeoutMs: migrationSettings.acceptTimeoutMs,
    });
    const localSpaces = new LobbySpaces({ host: spaces, avatarOf });
    const hub = new ScopedPubSub(this.options.hub ?? new MemoryPubSub({ logger }));
    const context = new LobbyGameContext({
      world: worlds,
      spaces: new ClusterSpaces({ local: localSpaces, directory, discovery: this.options.discovery, rpc, avatarOf }),
      registry,
      host: entityHost,
      claimName: (name, mailbox) => names.claim(name, mailbox),
      releaseName: (name) => names.release(name),
      migrate: (entity, lobbyId) => migration.migrate(entity, lobbyId),
      directory: host,
      hub,
      matchmaker: new LobbyGameMatchmaker({ rpc, discovery: this.options.discovery, type: this.options.matchmaker?.type ?? 'services', callTimeoutMs: this.options.matchmaker?.callTimeoutMs ?? 5_000 }),
      push,
      groups,
      clock: gameClock,
      logger: logger.child({ game: game.name }),
    });
    const services = new Map<string, Service>();
    const serve = (name: string, cls: ServiceClass): Service => {
      const service = new cls();
      service.attach(context);
      host.serveClient(name, service, cls.clientCallable);
      if (cls.serverCallable.length > 0) rpc.serve(name, service, cls.serverCallable);
      this.services.push(service);
      services.set(name, service);
      return service;
    };
    for (const [name, cls] of Object.entries(game.services ?? {})) serve(name, cls);
    rpc.serve(LOBBY_SESSIONS_SERVICE, host, LOBBY_SESSIONS_METHODS);
    rpc.serve(SPACE_SERVICE, new SpaceService(localSpaces), SPACE_SERVICE_METHODS);
    rpc.serve(MIGRATION_SERVICE, migration, MIGRATION_METHODS);
    rpc.targets.setEntities(worlds);
    rpc.targets.setForwards(records);
    this.loop = new TickLoop({ clock: gameClock, logger, hz: tickHz, step: (dt) => world.step(dt), onStep: bothObservers(this.recentTicks.observe, this.options.metrics?.tickObserver(LOBBY_WORLD)) });
    this.globals = new GlobalEntities({ globals: game.globals ?? {}, discovery: this.options.discovery, names, persistence, world: worlds, serverId: () => rpc.serverId, clock, logger, ...(this.options.globalCheckMs === undefined ? {} : { checkIntervalMs: this.options.globalCheckMs }) });
    this.reloader = new GameReloader({
      game,
      load: (attempt) => {
        if (!this.options.gameModule) return Promise.reject(new Error('the lobby was given its game, not the module to load it from'));
        return this.options.gameModule.load(attempt);
      },
      targets: {
        registry,
        worlds,
        spaces,
        tickHz,
        redefineService: (name, clientCallable) => host.serveClient(name, services.get(name)!, clientCallable, true),
        addService: async (name, cls) => {
          const service = serve(name, cls);
          if (this.gameStarted) await service.onStart();
        },
      },
      logger,
    });
    this.worlds = worlds;
    this.spaceHost = spaces;
    this.timers = timers;
    this.host = host;
    this.context = context;
    this.hub = hub;
    this.migration = migration;
    this.persistence = persistence;
    await host.start();
    if (!this.options.deferGameStart) await this.startGame();
    const root = this.options.gameModule?.root;
    if (this.options.watch && root) this.unwatch = watchGame({ root, reload: () => this.reload(), clock, logger });
    this.unsubscribe = this.options.discovery.subscribe((event) => {
      if (event.type === 'removed' && event.server.type === this.options.gateType) {
        host.gateLeft(event.server.id).catch((err: unknown) => logger.error('lobby: closing the sessions of a gate that left failed', { gate: event.server.id, err }));
      }
    });
  }

  /**
   * Moves every entity of the lobby's own world, and every player bound here with its avatar, to
   * `lobbies` by live migration (lobby/evacuate.ts): what a drain will use to empty the lobby.
   * @throws Error before {@link start}; RangeError when `lobbies` is empty.
   */
  evacuate(lobbies: readonly string[]): Promise<EvacuationReport> {
    const { worlds, migration } = this;
    if (!worlds || !migration) throw new Error('LobbyModule.evacuate: the lobby has not started');
    return evacuate({ home: worlds.home, all: worlds, migration }, lobbies);
  }

  /**
   * Loads the game's code again and, when every change can be taken live, swaps it in between two
   * ticks (lobby/reload/): live entities keep their state, timers keep running. Never rejects: a
   * load that fails or a change that cannot be applied live leaves the old code running, and the
   * report says why.
   */
  async reload(): Promise<ReloadReport> {
    // The game's context goes when its stop hooks run: a stopping lobby takes no new code.
    if (!this.reloader || !this.context) return { ok: false, generation: this.reloader?.applied ?? 0, changed: [], refused: ['the lobby has not started, or is stopping'], swapMs: 0 };
    return this.reloader.reload();
  }

  /**
   * Runs the services' `onStart`, then the game's, then starts the tick loop; {@link start} does
   * it unless `deferGameStart` is set.
   * @throws Error before {@link start}, or when the game has started already; what a hook throws.
   */
  async startGame(): Promise<void> {
    const context = this.context;
    if (!context || !this.loop) throw new Error('LobbyModule.startGame: the lobby has not started');
    if (this.gameStarted) throw new Error('LobbyModule.startGame: the game has started already');
    this.gameStarted = true;
    for (const service of this.services) await service.onStart();
    // The globals without an owner are taken before the game's own start, which may call them.
    await this.globals?.start();
    await this.currentGame.onStart?.(context);
    this.loop.start();
  }

  /**
   * Empties the lobby while it still serves (lobby-drain.ts): discovery shows it draining already,
   * so it takes no new work; it stops taking globals, runs each space's `onDrain`, moves every player (through its gate, into
   * the start space of another lobby) and every entity of its own world (its globals too) to the
   * other lobbies that are not draining and run the same version or a newer one, and waits until
   * its players answer there, up to `drainTimeoutMs`. Then, for what stayed: refuses new sessions
   * and calls from other servers to this lobby's entities (they answer RPC_ERR_NO_SUCH_ENTITY),
   * finishes what is queued, runs the game's stop hooks, lets every entity's queue settle, and
   * saves every entity. A stop hook that throws is logged; the save still runs.
   */
  async drain(): Promise<void> {
    const worlds = this.worlds;
    if (!worlds) return;
    const { migration } = this;
    if (migration && this.gameStarted) {
      this.globals?.stop();
      // Each space may finish what it is for (a match its result) before its players move.
      await Promise.all((this.spaceHost?.list() ?? []).map((space) => runHook(space, 'onDrain', () => space.definition.onDrain?.(space))));
      await emptyLobby({
        source: { home: worlds.home, all: worlds, migration },
        discovery: this.options.discovery,
        clock: this.options.clock,
        logger: this.options.logger,
        timeoutMs: this.options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS,
      });
    }
    this.options.rpc.targets.setEntities(NO_ENTITIES);
    const settleWaitMs = this.options.sessions?.settleWaitMs ?? LOBBY_DEFAULTS.settleWaitMs;
    await this.host?.drain(async () => {
      await this.stopGame();
      // Server calls to NPCs and world entities queued before the refusal change state too.
      await Promise.all(worlds.list().map((entity) => entity.queue.settle(this.options.clock, settleWaitMs)));
      // Saved and let go, so that another lobby takes them over while this one stops.
      await this.globals?.drain();
      // Kept spaces list their entities; the final flush saves them.
      await this.spaceHost?.drain();
    });
  }

  async stop(): Promise<void> {
    this.unwatch?.();
    this.unwatch = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.globals?.stop();
    this.loop?.stop();
    this.spaceHost?.stop();
    await this.stopGame();
    await this.host?.stop();
    // Saved timers are in the entities' documents; the live ones end with the lobby.
    this.timers?.stop();
  }

  // The game's hooks as the latest reload left them.
  private get currentGame(): GameDefinition {
    return this.reloader?.game ?? this.options.game;
  }

  private async stopGame(): Promise<void> {
    const context = this.context;
    if (!context) return;
    this.context = undefined;
    const { logger } = this.options;
    const game = this.currentGame;
    try {
      await game.onStop?.(context);
    } catch (err) {
      logger.error('lobby: the game\'s onStop failed', { err, game: game.name });
    }
    for (const service of this.services.splice(0)) {
      try {
        await service.onStop();
      } catch (err) {
        logger.error('lobby: a service\'s onStop failed', { err, service: service.constructor.name });
      }
    }
    await this.hub?.close();
  }
}
