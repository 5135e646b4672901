/**
 * Every live space in discovery: a lobby claims the cluster-wide name `space:<id>` for each space
 * it hosts (mailbox `{ serverId: <lobby id>, entityId: <space id> }`) while the space lives, and
 * gives it back when the space is disposed. Any server finds which lobby hosts a space with
 * `discovery.resolveName(spaceName(id))`; names live with the lobby's lease, so the spaces of a
 * lobby that dies are gone from discovery with it.
 */
import type { Discovery } from '../engine/cluster/discovery.js';
import type { Logger } from '../engine/log/types.js';

/** The discovery name of space `spaceId`. */
export function spaceName(spaceId: string): string {
  return `space:${spaceId}`;
}

/** What a {@link SpaceDirectory} needs. */
export interface SpaceDirectoryOptions {
  discovery: Pick<Discovery, 'claimName' | 'releaseName' | 'resolveName'>;
  /** This lobby's server id, read at each claim (it is assigned at registration). */
  serverId(): string;
  logger: Logger;
}

/** The spaces of one lobby in discovery, and where the others' are. */
export class SpaceDirectory {
  constructor(private readonly options: SpaceDirectoryOptions) {}

  /**
   * Claims `space:<id>` for this lobby, before the space is created.
   * @returns false when another lobby's live space holds the id.
   * @throws DiscoveryError DISCOVERY_ERR_INVALID_NAME for an id discovery cannot name (see
   *   `Discovery.claimName`: letters, digits, `.`, `_`, `:`, `@`, `-`), DISCOVERY_ERR_UNAVAILABLE.
   */
  claim(space: { id: string }): Promise<boolean> {
    return this.options.discovery.claimName(spaceName(space.id), { serverId: this.options.serverId(), entityId: space.id });
  }

  /** Gives `space:<id>` back once the space is disposed; a failure is logged (the name lapses with the lobby's lease). */
  async release(space: { id: string }): Promise<void> {
    try {
      await this.options.discovery.releaseName(spaceName(space.id));
    } catch (err) {
      this.options.logger.warn('lobby: could not give a space name back', { spaceId: space.id, err });
    }
  }

  /** The lobby hosting space `spaceId`, from discovery's cache; undefined when no live lobby does. */
  lobbyOf(spaceId: string): string | undefined {
    return this.options.discovery.resolveName(spaceName(spaceId))?.serverId;
  }
}
