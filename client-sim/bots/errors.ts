/**
 * The bot runtime's error catalogue: what a bot's waits, the scenario loader and the runner's
 * options fail with. Codes are stable and never reused; each has a test and a line in
 * client-sim/bots/README.md. Errors from the SDK (`CLIENT_ERR_*`) and the servers keep their own codes.
 */
import { CodedError } from '../../engine/errors/coded-error.js';

export const BOT_ERRORS = {
  BOT_ERR_PUSH_TIMEOUT: { message: 'the push a bot waited for did not come in time; raise timeoutMs or check that the server sends it', when: '`bot.waitForPush`: no push on the route (for which `where` holds) within `timeoutMs`' },
  BOT_ERR_WAIT_TIMEOUT: { message: "what a bot waited for in its world did not happen in time; raise timeoutMs or check the predicate", when: '`bot.waitFor`: the predicate did not hold for the world within `timeoutMs`' },
  BOT_ERR_SCENARIO: { message: 'the scenario could not be loaded; its module must exist and default-export defineScenario({ name, iteration })', when: '`loadScenario`, the runner: no file at the scenario\'s path, the module threw or did not compile, or its default export is not a scenario' },
  BOT_ERR_OPTIONS: { message: 'an option of the bot run is out of range', when: 'an option of the run is out of range: a `--seed` that is not a 32-bit unsigned integer, a `--network` spec that cannot be read, network shares over 100%' },
  BOT_ERR_SESSION_LOST: { message: 'a move to another gate ended in a new session: the cluster no longer held the old one', when: 'a move that a draining gate asked for resumed no session (`resumed: false`): the player lost its session (counted under `move`)' },
  BOT_ERR_STOPPED: { message: 'the run stopped before the wait ended (not counted as an error)', when: 'the run stopped while the bot waited, or a request failed because the runner closed the client after the stop; never counted as an error' },
} as const;

/** One of the codes in {@link BOT_ERRORS}. */
export type BotErrorCode = keyof typeof BOT_ERRORS;

/** A failure of the bot runtime, with a stable {@link BotErrorCode} in `code`. */
export class BotError extends CodedError<BotErrorCode> {
  override readonly name = 'BotError';

  /**
   * @param code the catalogue code.
   * @param detail what exactly went wrong, appended to the catalogue message.
   * @param options `cause`: the error behind it.
   */
  constructor(code: BotErrorCode, detail: string, options?: { cause?: unknown }) {
    super(BOT_ERRORS, code, detail, options);
  }
}
