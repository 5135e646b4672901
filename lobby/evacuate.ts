/**
 * Empties a lobby by live migration, for a drain: every entity of its own world moves to one of
 * the given lobbies (spread over them in turn), and every player whose session is bound here is
 * moved by its gate with its avatar (entity-migration.ts), into the start space of its new lobby:
 * the space it leaves here sees it leave (`onPlayerLeave`). Entities inside spaces stay: their
 * space owns them.
 */
import type { Entity } from '../engine/ecs/entity.js';
import type { EntityMigration } from './entity-migration.js';
import { PlayerEntity } from './player-entity.js';

/** What an evacuation did. */
export interface EvacuationReport {
  /** Entities that answer on another lobby now. */
  moved: number;
  /** Players whose gate took the move (they answer on another lobby once it is done). */
  players: number;
  /** The ids of the players and entities whose move was asked, moved or not. */
  asked: string[];
  /** What failed, players and other entities; those stay here. */
  failed: { id: string; player: boolean; error: string }[];
}

/** The lobby's parts an evacuation reads. */
export interface EvacuationSource {
  /** Entities of the lobby's own world, outside any space. */
  home: { list(): Entity[] };
  /** Every live entity of the lobby, in its world and its spaces. */
  all: { list(): Entity[] };
  migration: Pick<EntityMigration, 'migrate'>;
}

/**
 * Moves what `source` holds to `lobbies`, in turn.
 * @param skip entities left where they are this time (a player whose move is on its way already).
 * @throws RangeError when `lobbies` is empty.
 */
export async function evacuate(source: EvacuationSource, lobbies: readonly string[], skip: (entity: Entity) => boolean = () => false): Promise<EvacuationReport> {
  if (lobbies.length === 0) throw new RangeError('evacuate: no lobby to move to');
  const report: EvacuationReport = { moved: 0, players: 0, asked: [], failed: [] };
  const players = source.all.list().filter((entity): entity is PlayerEntity => entity instanceof PlayerEntity && entity.session !== undefined);
  const others = source.home.list().filter((entity) => !(entity instanceof PlayerEntity));
  let next = 0;
  await Promise.all(
    [...players, ...others].filter((entity) => !skip(entity)).map(async (entity) => {
      const { id } = entity;
      const isPlayer = entity instanceof PlayerEntity;
      report.asked.push(id);
      try {
        await source.migration.migrate(entity, lobbies[next++ % lobbies.length]!);
        if (isPlayer) report.players++;
        else report.moved++;
      } catch (err) {
        report.failed.push({ id, player: isPlayer, error: String(err) });
      }
    }),
  );
  return report;
}
