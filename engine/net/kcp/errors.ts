/**
 * The KCP error catalogue: what `send` refuses. Bad input from the network is never thrown; it is
 * dropped and counted in the session's stats. Codes are stable and never reused; each has a test
 * and a line in docs/kcp.md.
 */
import { CodedError } from '../../errors/coded-error.js';

export const KCP_ERRORS = {
  KCP_ERR_EMPTY_MESSAGE: { wire: 3001, message: 'message is empty', when: '`send` of 0 bytes' },
  KCP_ERR_MESSAGE_TOO_LARGE: { wire: 3002, message: 'message needs more fragments than the receive window holds', when: '`send` of a message past `maxMessageBytes`' },
  KCP_ERR_SEND_QUEUE_FULL: { wire: 3003, message: 'send queue is full', when: '`send` while more than `sendQueueLimit` segments wait for the window' },
  KCP_ERR_DEAD_LINK: { wire: 3004, message: 'link is dead: a segment was sent too many times without an ack', when: '`send` on a link declared dead (a segment sent too many times without an ack)' },
} as const;

/** One of the codes in {@link KCP_ERRORS}. */
export type KcpErrorCode = keyof typeof KCP_ERRORS;

/** A message KCP cannot take. */
export class KcpError extends CodedError<KcpErrorCode> {
  override readonly name = 'KcpError';
  /** The numeric code used on the wire. */
  readonly wireCode: number = KCP_ERRORS[this.code].wire;

  /**
   * @param code the catalogue code.
   * @param detail what exactly went wrong, appended to the catalogue message.
   * @param options `cause`: the error behind it.
   */
  constructor(code: KcpErrorCode, detail: string, options?: { cause?: unknown }) {
    super(KCP_ERRORS, code, detail, options);
  }
}
