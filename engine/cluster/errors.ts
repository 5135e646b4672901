/**
 * The discovery error catalogue. Codes are stable and never reused; each has a test and a line in
 * the cluster documentation.
 */
import { CodedError } from '../errors/coded-error.js';

export const DISCOVERY_ERRORS = {
  DISCOVERY_ERR_ID_TAKEN: { message: 'server id is held by a live server' },
  DISCOVERY_ERR_NOT_REGISTERED: { message: 'this server is not registered' },
  DISCOVERY_ERR_ALREADY_REGISTERED: { message: 'this server is already registered' },
  DISCOVERY_ERR_NOT_STARTED: { message: 'discovery is not started, or already stopped' },
  DISCOVERY_ERR_UNAVAILABLE: { message: 'discovery backend unavailable' },
  DISCOVERY_ERR_INVALID_NAME: { message: 'invalid name' },
  DISCOVERY_ERR_INVALID_ARGUMENT: { message: 'invalid argument' },
} as const;

/** One of the codes in {@link DISCOVERY_ERRORS}. */
export type DiscoveryErrorCode = keyof typeof DISCOVERY_ERRORS;

/** An error from a {@link Discovery}, with a stable {@link DiscoveryErrorCode}. */
export class DiscoveryError extends CodedError<DiscoveryErrorCode> {
  override readonly name = 'DiscoveryError';

  /**
   * @param code the catalogue code.
   * @param detail what exactly went wrong, appended to the catalogue message.
   * @param options `cause`: the error behind it.
   */
  constructor(code: DiscoveryErrorCode, detail: string, options?: { cause?: unknown }) {
    super(DISCOVERY_ERRORS, code, detail, options);
  }
}
