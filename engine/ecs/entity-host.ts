/**
 * What a world's entities reach beyond the world: the server they live on, the cluster's RPC
 * (proxies to other entities and services) and the store (loading and unloading). A lobby gives
 * its world one host (`world.setHost(createEntityHost({ rpc, persistence }))`); a world without
 * one runs everything local (spawning, destroying, timers, the queue) and its entities throw a
 * clear Error for the rest.
 */
import type { Mailbox } from '../cluster/discovery.js';
import type { RemoteEntity, RemoteService, UntypedEntity, UntypedService } from '../rpc/remote-proxy.js';
import type { CallOptions } from '../rpc/rpc-node.js';
import type { Entity } from './entity.js';
import type { EntityPersistence } from './entity-persistence.js';

/** The server side of a world's entities. */
export interface EntityHost {
  /** This server's id, read at each use (it may be assigned after the world is made). */
  serverId(): string;
  /** A proxy for the entity at `mailbox` (RpcNode.remote). */
  remote<T = UntypedEntity>(mailbox: Mailbox, options?: CallOptions): RemoteEntity<T>;
  /** A proxy for the entity behind a cluster-wide name (RpcNode.named). */
  named<T = UntypedEntity>(name: string, options?: CallOptions): RemoteEntity<T>;
  /** A proxy for global entity `name`, whose calls wait for an owner during a handover (RpcNode.global). */
  global<T = UntypedEntity>(name: string, options?: CallOptions): RemoteEntity<T>;
  /** A proxy for service `name` on `serverId` (RpcNode.service). */
  service<T = UntypedService>(serverId: string, name: string, options?: CallOptions): RemoteService<T>;
  /**
   * Claims and loads entity `id` of `type`, or returns the one already in the world.
   * @returns undefined when the store has no such entity (no claim is kept).
   * @throws Error when the entity with that id in the world is of another type.
   */
  load(type: string, id: string): Promise<Entity | undefined>;
  /** Saves `entity`, takes it out of the world and gives its claim back. */
  unload(entity: Entity): Promise<void>;
}

/** The parts a host is made of: an RpcNode and the world's EntityPersistence. */
export interface EntityHostParts {
  rpc: {
    readonly serverId: string;
    remote<T>(mailbox: Mailbox, options?: CallOptions): RemoteEntity<T>;
    named<T>(name: string, options?: CallOptions): RemoteEntity<T>;
    global<T>(name: string, options?: CallOptions): RemoteEntity<T>;
    service<T>(serverId: string, name: string, options?: CallOptions): RemoteService<T>;
  };
  persistence: Pick<EntityPersistence, 'load' | 'releaseClaim' | 'saveAndUnload'>;
}

/** A host over a server's RPC node and its world's persistence. */
export function createEntityHost({ rpc, persistence }: EntityHostParts): EntityHost {
  return {
    serverId: () => rpc.serverId,
    remote<T>(mailbox: Mailbox, options?: CallOptions) {
      return rpc.remote<T>(mailbox, options);
    },
    named<T>(name: string, options?: CallOptions) {
      return rpc.named<T>(name, options);
    },
    global<T>(name: string, options?: CallOptions) {
      return rpc.global<T>(name, options);
    },
    service<T>(serverId: string, name: string, options?: CallOptions) {
      return rpc.service<T>(serverId, name, options);
    },
    load: async (type, id) => {
      const entity = await persistence.load(type, id);
      // The one already in the world under this id may be of another type: never handed out as this one.
      if (entity && entity.typeName !== type) throw new Error(`load(${type}, ${id}): the entity with this id here is a ${entity.typeName}`);
      // Not found: the claim `load` keeps for creating it is given back; a spawn with this id
      // claims it again at its first save.
      if (!entity) await persistence.releaseClaim(id);
      return entity;
    },
    unload: (entity) => persistence.saveAndUnload(entity),
  };
}
