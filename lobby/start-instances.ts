/**
 * Instances ("channels") of the game's start space on one lobby: `<type>@<lobbyId>`, then
 * `<type>@<lobbyId>:2`, `:3` … (a server id never holds a `:`, and a discovery name may, so that
 * the ids of two lobbies' instances never meet). A player placed on bind, or sent back with
 * `game.spaces.enterStart`, goes to the first instance with room; when none has room the next is
 * created. A start type without `maxPlayers` only ever has the first.
 */
import type { Space } from './space.js';
import { SpaceError } from './space-errors.js';

/** The id of the `n`-th instance (from 1) of start type `type` on lobby `lobbyId`. */
export function startInstanceId(type: string, lobbyId: string, n: number): string {
  const first = `${type}@${lobbyId}`;
  return n === 1 ? first : `${first}:${n}`;
}

/** Whether `id` is the id of an instance of start type `type` on lobby `lobbyId`. */
export function isStartInstance(id: string, type: string, lobbyId: string): boolean {
  const first = `${type}@${lobbyId}`;
  return id === first || (id.startsWith(`${first}:`) && /^[1-9]\d*$/.test(id.slice(first.length + 1)));
}

/** What {@link reserveStartInstance} needs of the lobby's spaces. */
export interface StartInstanceSpaces {
  /** The live space `id`. */
  get(id: string): Space | undefined;
  /** The creation in flight of space `id`. */
  creating(id: string): Promise<Space> | undefined;
  /**
   * Creates space `id` of `type`; `capped` false for the first instance, which is made whatever
   * `lobby.maxSpaces` says.
   */
  open(type: string, id: string, capped: boolean): Promise<Space>;
}

/**
 * Holds a place (Space.reserve) in the first instance of start type `type` with room, creating
 * the first missing one when none has. Places are held synchronously after each look, so binds
 * at once never overfill an instance, and an instance being created is awaited, never created
 * twice.
 * @param limit Instances looked at most (past it, none is made).
 * @returns the instance, with a place held for the caller to use or give back; undefined when
 *   every instance is full and no more can be made (the lobby hosts `lobby.maxSpaces`).
 * @throws (rejects) what creating an instance throws, SPACE_ERR_TOO_MANY aside.
 */
export async function reserveStartInstance(spaces: StartInstanceSpaces, type: string, lobbyId: string, limit: number): Promise<Space | undefined> {
  let mayCreate = true;
  for (let n = 1; n <= limit; n++) {
    const id = startInstanceId(type, lobbyId, n);
    let space = spaces.get(id);
    if (!space) {
      const creating = spaces.creating(id);
      // At the cap, instances further on may still have room: only those that exist are looked at.
      if (!creating && !mayCreate) continue;
      try {
        space = await (creating ?? spaces.open(type, id, n > 1));
      } catch (err) {
        if (!(err instanceof SpaceError && err.code === 'SPACE_ERR_TOO_MANY')) throw err;
        mayCreate = false;
        continue;
      }
    }
    if (space.reserve()) return space;
  }
  return undefined;
}
