/**
 * What game code reaches on its lobby outside an entity: the game's `onStart` / `onStop` hooks
 * and its services get one. Entities reach the same things through their own context (their
 * mailbox, `remote`, timers, …), see engine/ecs/entity.ts.
 */
import type { Mailbox } from '../engine/cluster/discovery.js';
import type { ClusterPush, PushResult } from '../engine/hub/cluster-push.js';
import type { Groups } from '../engine/hub/groups.js';
import type { EntityHost } from '../engine/ecs/entity-host.js';
import type { Entity, EntityClass } from '../engine/ecs/entity.js';
import type { EntityRegistry } from '../engine/ecs/entity-registry.js';
import type { SpawnOptions } from '../engine/ecs/world.js';
import type { WorldGroup } from '../engine/ecs/world-group.js';
import type { PubSub } from '../engine/hub/pub-sub.js';
import type { Logger } from '../engine/log/types.js';
import type { RemoteEntity, RemoteService, UntypedEntity, UntypedService } from '../engine/rpc/remote-proxy.js';
import type { CallOptions } from '../engine/rpc/rpc-node.js';
import type { Clock } from '../engine/timer/clock.js';
import type { GameMatchmaker } from './game-matchmaker.js';
import type { GameSpaces } from './game-spaces.js';
import type { SessionDirectory } from './player-entity.js';

/** The lobby's view for game code: entities, the cluster, sessions. */
export interface GameContext extends SessionDirectory {
  /** This lobby's server id (the `serverId` of its entities' mailboxes). */
  readonly serverId: string;
  /** The lobby's logger, for lines about the game as a whole. */
  readonly logger: Logger;
  /** The spaces (game-spaces.ts): `create`, `local`, `list`, `enter`. */
  readonly spaces: GameSpaces;
  /** Milliseconds since the epoch, from the lobby's clock (a manual one in tests). */
  now(): number;
  /**
   * Topics across the cluster (docs/cluster.md): `await game.hub.subscribe('guild:42', (m) => …)`,
   * `await game.hub.publish('guild:42', { from, text })`. At most once, in each publisher's
   * order; the game's subscriptions end when it stops.
   */
  readonly hub: PubSub;
  /** Queues players for matches: `await game.matchmaker.queue(player, { mode: '2v2', rating: 1500 })` (docs/matchmaking.md). */
  readonly matchmaker: GameMatchmaker;
  /**
   * Creates an entity of a registered type in the lobby's own world, outside any space
   * (`onCreate` runs; `space.spawn` creates one in a space); one whose components have
   * persistent fields is saved with the next flush.
   * @throws Error for an unregistered type, an id in use, or what a hook threw.
   */
  spawn<E extends Entity>(type: EntityClass<E> | string, options?: SpawnOptions): E;
  /**
   * Claims a stored entity for this lobby and loads it (`onLoad` runs), or returns it when it is
   * here already: `(await game.load('Boss', 'boss')) ?? game.spawn('Boss', { id: 'boss' })` (a new
   * entity is claimed at its first save).
   * @returns undefined when nothing is stored under `id` (no claim is kept).
   * @throws OwnershipHeldError while another lobby owns it; StoreError when the store fails; Error
   *   when the entity with that id here is of another type.
   */
  load<E extends Entity = Entity>(type: EntityClass<E> | string, id: string): Promise<E | undefined>;
  /** The live entity with id `id` on this lobby, in its world or any of its spaces. */
  find(id: string): Entity | undefined;
  /** A proxy for the entity at `mailbox`, wherever it runs: `remote(m).Inventory.grant(5)`. */
  remote<T = UntypedEntity>(mailbox: Mailbox, options?: CallOptions): RemoteEntity<T>;
  /** A proxy for the entity behind a cluster-wide name (see {@link claimName}), looked up at each call. */
  named<T = UntypedEntity>(name: string, options?: CallOptions): RemoteEntity<T>;
  /**
   * A proxy for the game's global entity `name` (declared in `globals`), wherever it runs. While
   * it is between owners (its lobby died or drained), a call waits for the new owner within its
   * deadline; a call that reached an owner that died fails at once with RPC_ERR_LINK_LOST. Every
   * failure of a call is an RpcError by its deadline; `isRetryable(err)` tells which are worth
   * another try (docs/cluster.md).
   */
  global<T = UntypedEntity>(name: string, options?: CallOptions): RemoteEntity<T>;
  /** A proxy for service `name` on server `serverId` (a game service's `serverCallable` methods). */
  service<T = UntypedService>(serverId: string, name: string, options?: CallOptions): RemoteService<T>;
  /**
   * Points a cluster-wide name at an entity on this lobby for as long as this lobby lives, so that
   * any server reaches it with `named(name)`.
   * @returns false when another live entity holds the name.
   */
  claimName(name: string, entity: Entity): Promise<boolean>;
  /** Gives back a name this lobby claimed (a match that ended); no-op for a name it does not hold. */
  releaseName(name: string): Promise<void>;
  /**
   * Pushes `body` on `route` to accounts wherever they are connected: one push per gate holding
   * any of them, the body encoded once (docs/cluster.md). An account not logged in is reported in
   * `offline`, not an error.
   * @throws HubError HUB_ERR_PUSH_TOO_MANY past 10,000 accounts; CodecError for a body msgpack cannot carry.
   */
  push(uids: readonly string[], route: string, body: unknown): Promise<PushResult>;
  /** Named groups of accounts shared by every server: join, leave, members, broadcast (docs/cluster.md). */
  readonly groups: Groups;
  /**
   * Moves a live entity of this lobby to lobby `lobbyId` while it is in use (docs/cluster.md):
   * after the work queued on it, it is saved, loaded there, and its names follow; calls to its old
   * mailbox are sent on. A player's avatar moves with its session, through its gate (the client
   * stays connected); this then resolves once the gate took the move. Do not await it inside a
   * method of the entity itself.
   * @throws (rejects) MigrationError MIGRATION_ERR_NOT_HERE, MIGRATION_ERR_IN_SPACE; what the
   *   target answered (the entity is then loaded back here).
   */
  migrate(entity: Entity, lobbyId: string): Promise<void>;
}

/** What a {@link LobbyGameContext} is built from. */
export interface LobbyGameContextOptions {
  /** The lobby's worlds: spawning goes to the home world, finding searches all. */
  world: Pick<WorldGroup, 'spawn' | 'find'>;
  spaces: GameSpaces;
  registry: EntityRegistry;
  /** The world's host: the server id, RPC proxies, loading. */
  host: EntityHost;
  claimName(name: string, mailbox: Mailbox): Promise<boolean>;
  releaseName(name: string): Promise<void>;
  migrate(entity: Entity, lobbyId: string): Promise<void>;
  directory: SessionDirectory;
  hub: PubSub;
  matchmaker: GameMatchmaker;
  /** Pushes to accounts anywhere. */
  push: ClusterPush;
  groups: Groups;
  clock: Clock;
  logger: Logger;
}

/** The {@link GameContext} of one lobby. */
export class LobbyGameContext implements GameContext {
  readonly logger: Logger;
  readonly matchmaker: GameMatchmaker;
  readonly spaces: GameSpaces;
  readonly hub: PubSub;
  readonly groups: Groups;

  constructor(private readonly options: LobbyGameContextOptions) {
    this.logger = options.logger;
    this.hub = options.hub;
    this.matchmaker = options.matchmaker;
    this.spaces = options.spaces;
    this.groups = options.groups;
  }

  get serverId(): string {
    return this.options.host.serverId();
  }

  now(): number {
    return this.options.clock.now();
  }

  spawn<E extends Entity>(type: EntityClass<E> | string, options?: SpawnOptions): E {
    return this.options.world.spawn(type, options);
  }

  async load<E extends Entity = Entity>(type: EntityClass<E> | string, id: string): Promise<E | undefined> {
    const { name } = this.options.registry.lookup(type);
    return (await this.options.host.load(name, id)) as E | undefined;
  }

  find(id: string): Entity | undefined {
    return this.options.world.find(id);
  }

  remote<T = UntypedEntity>(mailbox: Mailbox, options?: CallOptions): RemoteEntity<T> {
    return this.options.host.remote<T>(mailbox, options);
  }

  named<T = UntypedEntity>(name: string, options?: CallOptions): RemoteEntity<T> {
    return this.options.host.named<T>(name, options);
  }

  global<T = UntypedEntity>(name: string, options?: CallOptions): RemoteEntity<T> {
    return this.options.host.global<T>(name, options);
  }

  service<T = UntypedService>(serverId: string, name: string, options?: CallOptions): RemoteService<T> {
    return this.options.host.service<T>(serverId, name, options);
  }

  claimName(name: string, entity: Entity): Promise<boolean> {
    return this.options.claimName(name, { serverId: this.serverId, entityId: entity.id });
  }

  releaseName(name: string): Promise<void> {
    return this.options.releaseName(name);
  }

  push(uids: readonly string[], route: string, body: unknown): Promise<PushResult> {
    return this.options.push.push(uids, route, body);
  }

  migrate(entity: Entity, lobbyId: string): Promise<void> {
    return this.options.migrate(entity, lobbyId);
  }

  sessions(): ReturnType<SessionDirectory['sessions']> {
    return this.options.directory.sessions();
  }

  sessionOf(uid: string): ReturnType<SessionDirectory['sessionOf']> {
    return this.options.directory.sessionOf(uid);
  }
}
