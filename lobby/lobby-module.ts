/**
 * A lobby as one lifecycle module: the world with the example's systems, entity persistence on
 * the open store, the session host served to gates, the tick loop and the periodic save of dirty
 * entities. Built at start, since it needs the store and the RPC node already running.
 */
import { createEntityHost } from '../engine/ecs/entity-host.js';
import { EntityPersistence } from '../engine/ecs/entity-persistence.js';
import { EntityRegistry } from '../engine/ecs/entity-registry.js';
import { TickLoop } from '../engine/ecs/tick-loop.js';
import { World } from '../engine/ecs/world.js';
import type { Discovery } from '../engine/cluster/discovery.js';
import type { Module } from '../engine/lifecycle/lifecycle.js';
import type { Logger } from '../engine/log/types.js';
import type { Store } from '../engine/persist/store.js';
import type { RpcNode } from '../engine/rpc/rpc-node.js';
import { LOBBY_SESSIONS_METHODS, LOBBY_SESSIONS_SERVICE } from '../engine/session/session-contract.js';
import type { Clock } from '../engine/timer/clock.js';
import { Avatar } from './avatar.js';
import { movementSystem } from './movement-system.js';
import { SessionHost } from './session-host.js';

/** What a {@link LobbyModule} needs. */
export interface LobbyModuleOptions {
  rpc: RpcNode;
  /** Membership: the sessions of a gate that leaves are closed. */
  discovery: Discovery;
  /** The server type of gates: `gate`, or `standalone` in one process. */
  gateType: string;
  store: () => Store;
  clock: Clock;
  logger: Logger;
  /** Simulation steps per second (default 20). */
  tickHz?: number;
  /** Period of the batched save of dirty entities (default 5,000 ms). */
  flushIntervalMs?: number;
  /** Life of an entity's ownership claim unless renewed (`store.claimTtlMs`). */
  claimTtlMs?: number;
  /** Period of the renewal of claims (`store.claimRenewMs`). */
  claimRenewMs?: number;
  /** How long a bind waits for another lobby's claim on the avatar to end (`store.claimWaitMs`). */
  claimWaitMs?: number;
}

/** One lobby's world and sessions. */
export class LobbyModule implements Module {
  readonly name = 'lobby';
  private host: SessionHost | undefined;
  private world: World | undefined;
  private loop: TickLoop | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: LobbyModuleOptions) {}

  /** Sessions bound here, for load reports. */
  get sessionCount(): number {
    return this.host?.sessionCount ?? 0;
  }

  /** Live entities, for load reports. */
  get entityCount(): number {
    return this.world?.entityCount ?? 0;
  }

  async start(): Promise<void> {
    const { rpc, clock, logger } = this.options;
    const registry = new EntityRegistry().register('Avatar', Avatar);
    const world = new World({ logger, clock, registry }).addSystem('movement', movementSystem);
    const persistence = new EntityPersistence({ world, registry, store: this.options.store(), logger, clock,
      owner: () => rpc.serverId,
      ...(this.options.claimTtlMs === undefined ? {} : { claimTtlMs: this.options.claimTtlMs }),
      ...(this.options.claimRenewMs === undefined ? {} : { claimRenewMs: this.options.claimRenewMs }),
    });
    const host = new SessionHost({
      rpc,
      world,
      registry,
      persistence,
      clock,
      logger,
      flushIntervalMs: this.options.flushIntervalMs ?? 5_000,
      ...(this.options.claimWaitMs === undefined ? {} : { claimWaitMs: this.options.claimWaitMs }),
    });
    rpc.serve(LOBBY_SESSIONS_SERVICE, host, LOBBY_SESSIONS_METHODS);
    rpc.targets.setEntities(world);
    world.setHost(createEntityHost({ rpc, persistence }));
    this.loop = new TickLoop({ clock, logger, hz: this.options.tickHz ?? 20, step: (dt) => world.step(dt) });
    this.world = world;
    this.host = host;
    await host.start();
    this.loop.start();
    this.unsubscribe = this.options.discovery.subscribe((event) => {
      if (event.type === 'removed' && event.server.type === this.options.gateType) {
        host.gateLeft(event.server.id).catch((err: unknown) => logger.error('lobby: closing the sessions of a gate that left failed', { gate: event.server.id, err }));
      }
    });
  }

  /** Refuses new sessions, finishes queued requests and saves every avatar. */
  async drain(): Promise<void> {
    await this.host?.drain();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.loop?.stop();
    await this.host?.stop();
  }
}
