/**
 * The base of entities that stand for a connected player (the worked example's `Avatar`). While
 * the player's session is bound, the entity holds its stand-in, so component methods learn who
 * calls them and can push back: `sessionOf(this)?.push('inventory.changed', …)`.
 */
import type { Component } from '../engine/ecs/component.js';
import { Entity } from '../engine/ecs/entity.js';
import type { RemoteSession } from './remote-session.js';

/** The sessions bound to this lobby, for game code that talks to everyone here (chat, events). */
export interface SessionDirectory {
  /** Every bound session, in no particular order. */
  sessions(): RemoteSession[];
  /** The session of account `uid`, if it is bound here. */
  sessionOf(uid: string): RemoteSession | undefined;
}

/** An entity owned by one player's session. */
export abstract class PlayerEntity extends Entity {
  private bound: RemoteSession | undefined;
  private directory: SessionDirectory | undefined;

  /** The player's session while one is bound here; undefined while offline (loaded by a server, in tests). */
  get session(): RemoteSession | undefined {
    return this.bound;
  }

  /** The sessions on this lobby, once a session host has bound this entity. */
  get lobby(): SessionDirectory | undefined {
    return this.directory;
  }

  /** @internal Sets or clears the bound session; only the session host calls it. */
  attachSession(session: RemoteSession | undefined, directory: SessionDirectory | undefined): void {
    this.bound = session;
    this.directory = directory;
  }
}

/**
 * The player entity a component is attached to.
 * @throws Error when the component is detached or its entity is not a {@link PlayerEntity}.
 */
export function playerOf(component: Component): PlayerEntity {
  const entity = component.entity;
  if (!(entity instanceof PlayerEntity)) throw new Error(`${component.constructor.name}: ${entity.typeName} is not a PlayerEntity`);
  return entity;
}

/**
 * The session of the player whose entity `component` is attached to, for pushing to them.
 * @returns undefined while the player is offline or when the entity is no {@link PlayerEntity}
 *   (an NPC with the same component), so that game code can push without checking first.
 */
export function sessionOf(component: Component): RemoteSession | undefined {
  const entity = component.entity;
  return entity instanceof PlayerEntity ? entity.session : undefined;
}
