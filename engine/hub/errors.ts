/**
 * The hub error catalogue: topics published and subscribed across servers, pushes to accounts
 * anywhere and groups. Codes are stable and never reused; each has a test and a line in docs/errors.md.
 */
import { CodedError } from '../errors/coded-error.js';

export const HUB_ERRORS = {
  HUB_ERR_BAD_TOPIC: { wire: 9300, message: 'invalid topic name', when: 'a topic that is not 1–200 letters, digits, `:`, `.`, `_` or `-`' },
  HUB_ERR_MESSAGE_TOO_LARGE: { wire: 9301, message: 'message larger than the limit', when: 'a published message whose msgpack encoding is over the hub\'s `maxMessageBytes` (checked before anything is sent)' },
  HUB_ERR_UNAVAILABLE: { wire: 9302, message: 'hub backend unavailable', when: 'a publish or subscribe while Redis cannot be reached (the client is reconnecting), or a command Redis failed' },
  HUB_ERR_STOPPED: { wire: 9303, message: 'hub not started, or stopped', when: 'a publish or subscribe before the hub started or after it stopped (a lobby\'s game after the lobby stopped)' },
  HUB_ERR_TOO_MANY_SUBSCRIPTIONS: { wire: 9304, message: 'too many subscriptions', when: 'a subscribe past the hub\'s `maxSubscriptions` live subscriptions in the process' },
  HUB_ERR_PUSH_TOO_MANY: { wire: 9350, message: 'too many accounts in one push', when: 'a push to accounts anywhere lists more accounts than its cap (`MAX_PUSH_UIDS`, 10,000); split it' },
  HUB_ERR_GROUP_BAD_NAME: { wire: 9351, message: 'bad group name', when: 'a group name that is not 1 to 200 letters, digits or `:._-`, or an account id that is not a string of 1 to 256 characters' },
  HUB_ERR_GROUP_FULL: { wire: 9352, message: 'the group is full', when: 'a join would take the group past its cap of members (`maxMembers`, 10,000 by default); nobody of that join was added' },
  HUB_ERR_GROUP_TOO_MANY: { wire: 9353, message: 'the account is in too many groups', when: 'a join would take an account past its cap of groups (`maxGroupsPerAccount`, 256 by default); nobody of that join was added' },
  HUB_ERR_GROUP_UNAVAILABLE: { wire: 9354, message: 'the group store is unavailable; retry later', when: 'Redis is not connected (reconnecting after an outage) or failed a group command; nothing was changed, or the change is unknown; retry later' },
} as const;

/** One of the codes in {@link HUB_ERRORS}. */
export type HubErrorCode = keyof typeof HUB_ERRORS;

/** An error from the hub, with a stable {@link HubErrorCode}. */
export class HubError extends CodedError<HubErrorCode> {
  override readonly name = 'HubError';
  /** The numeric code used on the wire. */
  readonly wireCode: number = HUB_ERRORS[this.code].wire;

  /**
   * @param code the catalogue code.
   * @param detail what exactly went wrong, appended to the catalogue message.
   * @param options `cause`: the error behind it.
   */
  constructor(code: HubErrorCode, detail: string, options?: { cause?: unknown }) {
    super(HUB_ERRORS, code, detail, options);
  }
}
