import type { SaveOutcome } from './store.js';

/**
 * Whether a refused save under `epoch` was refused because a later claim superseded it (the
 * document, or its claim, is under a later epoch), as opposed to an ordinary version conflict.
 * @param epoch the epoch the save was made under; `undefined` for a save without one (never lost).
 */
export function isClaimLost(outcome: SaveOutcome, epoch: number | undefined): boolean {
  return !outcome.ok && epoch !== undefined && outcome.actualEpoch !== undefined && outcome.actualEpoch > epoch;
}
