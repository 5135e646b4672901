/**
 * The seam between a space and what sends its clients their view of it (engine/sync): the lobby
 * gives each space one stage, made by a {@link SpaceSyncFactory}, and the space drives it. After
 * every step of the space's world and the update of its interest grid, the stage builds one sync
 * body per player of the space and delivers it to that player's session; a player who enters the
 * space (a bind, a move) or whose connection was resumed is owed a full snapshot.
 */
import type { PlayerEntity } from './player-entity.js';
import type { Space } from './space.js';

/** What sends one space's players their view of it. */
export interface SpaceSyncStage {
  /** Runs after each step of the space, once its interest grid is up to date. Never awaits. */
  afterStep(): void;
  /** `player` is in the space now (its avatar in the space's world): its next body is a snapshot. */
  playerEntered(player: PlayerEntity): void;
  /** `player`'s client needs its view again from scratch (a resumed connection): its next body is a snapshot. */
  snapshot(player: PlayerEntity): void;
  /** `player` left the space (before its avatar leaves the space's world): nothing more goes to it from here. */
  playerLeft(player: PlayerEntity): void;
  /** The space is disposed; the stage is not used again. */
  dispose(): void;
}

/** Makes the stage of a new space (the lobby's sync wiring). */
export type SpaceSyncFactory = (space: Space) => SpaceSyncStage;
