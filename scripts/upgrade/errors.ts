/**
 * The rolling upgrade's error catalogue (roll-cluster.ts, `npm run upgrade`): each stops the roll
 * at the step it names, with a non-zero exit. Codes are stable and never reused; each has a test
 * and a line in docs/errors.md.
 */
import { CodedError } from '../../engine/errors/coded-error.js';

export const UPGRADE_ERRORS = {
  UPGRADE_ERR_USAGE: { message: 'bad arguments', when: '`npm run upgrade` without `--admin` or `--api-key`, with a role `--order` does not know, or a number that is not one' },
  UPGRADE_ERR_ADMIN: { message: 'the admin API refused or did not answer', when: 'a call to the admin API failed (unreachable, a refusal such as ADMIN_ERR_UNAUTHENTICATED) where waiting cannot help: the first listing, or a drain' },
  UPGRADE_ERR_NOT_LEFT: { message: 'a drained server did not leave', when: 'a server asked to drain was still registered after `--timeout-ms`' },
  UPGRADE_ERR_NO_REPLACEMENT: { message: 'no replacement became ready', when: 'no new server of the drained one\'s role registered and answered `ready` within `--timeout-ms` of its leaving (its supervisor did not start one, or it failed to start)' },
  UPGRADE_ERR_VERSION: { message: 'a replacement runs another version', when: 'with `--version`, the drained server\'s replacement registered with a different version: its supervisor still starts the old code' },
} as const;

/** One of the codes in {@link UPGRADE_ERRORS}. */
export type UpgradeErrorCode = keyof typeof UPGRADE_ERRORS;

/** Why a roll stopped. */
export class UpgradeError extends CodedError<UpgradeErrorCode> {
  override readonly name = 'UpgradeError';

  /**
   * @param code the catalogue code.
   * @param detail the server and step it stopped at.
   * @param options `cause`: the error behind it.
   */
  constructor(code: UpgradeErrorCode, detail: string, options?: { cause?: unknown }) {
    super(UPGRADE_ERRORS, code, detail, options);
  }
}
