/**
 * The catalogue of live entity migration (entity-migration.ts): what `game.migrate` and a lobby's
 * `migration` RPC service answer when a move cannot be made. A move that fails leaves the entity
 * where it was (loaded back on its lobby), with nothing lost. Codes are stable and never reused;
 * each has a test and a line in docs/cluster.md.
 */
import { CodedError } from '../engine/errors/coded-error.js';

export const MIGRATION_ERRORS = {
  MIGRATION_ERR_NOT_HERE: { wire: 6251, message: 'the entity is not live on this lobby', when: '`migrate` of an entity that is destroyed, or lives on another lobby; an avatar whose session is not bound here' },
  MIGRATION_ERR_IN_SPACE: { wire: 6252, message: 'an entity inside a space does not move between lobbies', when: '`migrate` of an entity other than a player\'s avatar that is inside a space (its space owns it: move the players, or dispose the space)' },
  MIGRATION_ERR_BAD_ARGS: { wire: 6253, message: 'arguments of a call to the migration service are malformed', when: 'a call to a lobby\'s `migration` RPC service with malformed arguments' },
  MIGRATION_ERR_NOT_STORED: { wire: 6254, message: 'the store holds nothing for the entity', when: 'the target lobby of a move found no stored document for the entity it was asked to load' },
} as const;

/** One of the codes in {@link MIGRATION_ERRORS}. */
export type MigrationErrorCode = keyof typeof MIGRATION_ERRORS;

/** An entity could not be moved to another lobby. */
export class MigrationError extends CodedError<MigrationErrorCode> {
  override readonly name = 'MigrationError';
  /** The catalogue's number for the code. */
  readonly wireCode: number = MIGRATION_ERRORS[this.code].wire;

  /**
   * @param code the catalogue code.
   * @param detail what exactly went wrong, appended to the catalogue message.
   */
  constructor(code: MigrationErrorCode, detail: string) {
    super(MIGRATION_ERRORS, code, detail);
  }
}
