/**
 * The base of entities that stand for a connected player (the worked example's `Avatar`). While
 * the player's session is bound, the entity holds its stand-in, so component methods learn who
 * calls them and can push back: `sessionOf(this)?.push('inventory.changed', …)`. The session
 * host calls its hooks as the player comes and goes (player-hooks.ts), in the entity's queue, so
 * they never interleave with its requests, server calls or timers.
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

  /**
   * Called once a session is bound to this entity: after a fresh bind (the player logged in) or
   * a takeover (a newer login of the same player took the live entity over; no `onOffline` comes
   * between). `session` is set. The bind is answered once it settles (at most the lobby's
   * `settleWaitMs`), so the player's first request sees what it did. What it throws is logged
   * with the entity id; the bind goes on.
   */
  onOnline(): void | Promise<void> {}

  /**
   * Called instead of {@link onOnline} when the session was rebound here from a lobby that left:
   * the entity was loaded from the store on this lobby, and the client stayed connected. By
   * default it calls `onOnline`, so that what a game sets up for an online player (a group, an
   * index on this lobby) is set up here too; override it to tell the two apart.
   */
  onRebound(): void | Promise<void> {
    return this.onOnline();
  }

  /**
   * Called when the player's session closes (logout, a dropped connection not resumed, the
   * player's gate left), after the session's requests have finished and before the entity is
   * saved and leaves the world: what it changes is saved. `session` is still set (its data can
   * be read; pushes go nowhere). Not called when a newer session takes the entity over, nor when
   * the lobby lost the entity to another owner. What it throws is logged; the close goes on.
   * @param _reason why the session closed, as the gate said.
   */
  onOffline(_reason: string): void | Promise<void> {}

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
