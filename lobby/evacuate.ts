/**
 * Empties a lobby by live migration, for a drain: every entity of its own world moves to one of
 * the given lobbies (spread over them in turn), and every player whose session is bound here is
 * moved by its gate with its avatar (entity-migration.ts). Entities inside spaces stay: their
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
  /** What failed, as `<entity id>: <error>`; those entities stay here. */
  failed: string[];
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
 * @throws RangeError when `lobbies` is empty.
 */
export async function evacuate(source: EvacuationSource, lobbies: readonly string[]): Promise<EvacuationReport> {
  if (lobbies.length === 0) throw new RangeError('evacuate: no lobby to move to');
  const report: EvacuationReport = { moved: 0, players: 0, failed: [] };
  const players = source.all.list().filter((entity): entity is PlayerEntity => entity instanceof PlayerEntity && entity.session !== undefined);
  const others = source.home.list().filter((entity) => !(entity instanceof PlayerEntity));
  let next = 0;
  await Promise.all(
    [...players, ...others].map(async (entity) => {
      const { id } = entity;
      const isPlayer = entity instanceof PlayerEntity;
      try {
        await source.migration.migrate(entity, lobbies[next++ % lobbies.length]!);
        if (isPlayer) report.players++;
        else report.moved++;
      } catch (err) {
        report.failed.push(`${id}: ${String(err)}`);
      }
    }),
  );
  return report;
}
