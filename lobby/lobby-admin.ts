/**
 * What a lobby lends the `admin` RPC service (engine/admin/admin-service.ts): its counts and tick
 * figures, where an account's avatar is, a live entity's persistent state, and the reload of its
 * game code.
 */
import type { LobbyAdmin } from '../engine/admin/admin-contract.js';
import type { LobbyModule } from './lobby-module.js';

/** The admin view of `lobby`. */
export function lobbyAdmin(lobby: LobbyModule): LobbyAdmin {
  return {
    get sessionCount() {
      return lobby.sessionCount;
    },
    get entityCount() {
      return lobby.entityCount;
    },
    tick: () => lobby.recentTickStats,
    where: (uid) => {
      const avatar = lobby.avatarOf(uid);
      if (!avatar) return undefined;
      const space = avatar.space?.id;
      return space === undefined ? { entity: avatar.id } : { entity: avatar.id, space };
    },
    entity: (id) => {
      const entity = lobby.game?.find(id);
      return entity?.alive ? { type: entity.typeName, state: entity.persistentData() } : undefined;
    },
    reload: () => lobby.reload(),
  };
}
