/**
 * The lobby's sync stage of a space (the real {@link SpaceSyncStage}): after each step of the
 * space, once its interest grid is up to date, each player of the space gets one `sys.sync` push
 * (engine/sync/space-sync.ts builds the bodies), all of a gate's in one `pushEach`.
 *
 * Each player is one observer: its key is its session id, its avatar is the owner (it sees its
 * own owner-only fields and always sees itself), its view is what its avatar sees on the space's
 * interest grid, and every entity without the interest position component is seen by everyone
 * (a match's scoreboard). In a space type without `interest`, every player sees every entity of
 * the space. A player who entered the space, or whose connection was resumed, gets a snapshot;
 * one whose session is gone (offline) is skipped, and gets a snapshot when one is bound again.
 */
import type { Entity } from '../engine/ecs/entity.js';
import type { EntityRegistry } from '../engine/ecs/entity-registry.js';
import { SYSTEM_ROUTE } from '../engine/protocol/constants.js';
import { SpaceSync, type SyncObserver } from '../engine/sync/space-sync.js';
import { SyncSchema } from '../engine/sync/sync-schema.js';
import type { PlayerEntity } from './player-entity.js';
import { pushEach } from './push-each.js';
import type { RemoteSession } from './remote-session.js';
import type { Space } from './space.js';
import type { SpaceSyncFactory, SpaceSyncStage } from './space-sync-stage.js';

// One player's observer, kept between steps: nothing is allocated per player per step.
interface Watcher {
  observer: SyncObserver;
  /** Its session and this step's body, handed to pushEach; made at its first step with a session. */
  delivery: [RemoteSession, Uint8Array] | undefined;
  /** Owes the player a snapshot (it entered, or its connection was resumed). */
  owed: boolean;
}

const NOTHING = new Uint8Array(0);

/** Sends one space's players their view of it after each step. */
export class SpaceSyncSender implements SpaceSyncStage {
  private readonly sync: SpaceSync;
  private readonly watchers = new Map<PlayerEntity, Watcher>();
  // Reused every step.
  private readonly observers: SyncObserver[] = [];
  private readonly sent: Watcher[] = [];
  private readonly deliveries: [RemoteSession, Uint8Array][] = [];
  /** Every entity of a space without interest: what each player sees there. */
  private readonly everything = new Set<Entity>();

  /**
   * @param space the space whose players it serves.
   * @param schema the synced fields of the lobby's entity types (one for all its spaces).
   */
  constructor(
    private readonly space: Space,
    schema: SyncSchema,
  ) {
    const position = space.definition.interest?.position;
    this.sync = new SpaceSync({
      world: space.world,
      schema,
      space: { id: space.id, type: space.type, tickHz: space.tickHz },
      ...(position ? { interest: position } : {}),
    });
  }

  afterStep(): void {
    const { observers, sent, deliveries, space } = this;
    observers.length = sent.length = deliveries.length = 0;
    if (this.watchers.size === 0) return;
    const interest = space.interest;
    if (!interest) {
      this.everything.clear();
      for (const entity of space.world.list()) this.everything.add(entity);
    }
    for (const [player, watcher] of this.watchers) {
      const session = player.session;
      if (session === undefined || !player.alive) continue;
      const { observer } = watcher;
      observer.key = session.sessionId;
      observer.view = interest ? interest.viewOf(player) : this.everything;
      observer.snapshot = watcher.owed;
      if (watcher.delivery) watcher.delivery[0] = session;
      else watcher.delivery = [session, NOTHING];
      observers.push(observer);
      sent.push(watcher);
    }
    if (observers.length === 0) return;
    const bodies = this.sync.step(observers);
    for (const watcher of sent) {
      watcher.owed = false;
      const delivery = watcher.delivery!;
      delivery[1] = bodies.get(watcher.observer.key)!;
      deliveries.push(delivery);
    }
    pushEach(SYSTEM_ROUTE.SYNC, deliveries);
    // The bodies are not kept past the step.
    for (const watcher of sent) watcher.delivery![1] = NOTHING;
  }

  playerEntered(player: PlayerEntity): void {
    const watcher = this.watchers.get(player);
    if (watcher) watcher.owed = true;
    else this.watchers.set(player, { observer: { key: '', owner: player, view: this.everything, snapshot: true }, delivery: undefined, owed: true });
  }

  snapshot(player: PlayerEntity): void {
    const watcher = this.watchers.get(player);
    if (watcher) watcher.owed = true;
  }

  playerLeft(player: PlayerEntity): void {
    this.watchers.delete(player);
  }

  dispose(): void {
    this.watchers.clear();
    this.everything.clear();
  }
}

/**
 * The lobby's default sync wiring: every space of the lobby sends its players their view.
 * @param registry the lobby's entity types; their `static sync` declarations are read once here.
 * @throws Error when an entity type has two synced components with one class name.
 */
export function createSpaceSync(registry: EntityRegistry): SpaceSyncFactory {
  const schema = new SyncSchema(registry);
  return (space) => new SpaceSyncSender(space, schema);
}
