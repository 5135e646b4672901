/**
 * The discovery error catalogue. Codes are stable and never reused; each has a test and a line in
 * the cluster documentation.
 */
import { CodedError } from '../errors/coded-error.js';

export const DISCOVERY_ERRORS = {
  DISCOVERY_ERR_ID_TAKEN: { message: 'server id is held by a live server', when: '`register` with a fixed id a live server holds, or no free readable id after 32 lost races' },
  DISCOVERY_ERR_NOT_REGISTERED: { message: 'this server is not registered', when: '`reportLoad`, `markDraining` or `claimName` before `register`' },
  DISCOVERY_ERR_ALREADY_REGISTERED: { message: 'this server is already registered', when: 'a second `register`, or one while a registration is in progress' },
  DISCOVERY_ERR_NOT_STARTED: { message: 'discovery is not started, or already stopped', when: 'a call after `stop()` or after the backend failed for good, or `stop()` while registering' },
  DISCOVERY_ERR_UNAVAILABLE: { message: 'discovery backend unavailable', when: 'the backend (etcd) cannot be reached or failed, or a claim while the lease is lost' },
  DISCOVERY_ERR_INVALID_NAME: { message: 'invalid name', when: 'a name that is not 1–256 letters, digits, `.`, `_`, `:`, `@` or `-`, starting with a letter or digit' },
  DISCOVERY_ERR_INVALID_ARGUMENT: { message: 'invalid argument', when: 'a malformed registration or load report, a mailbox on another server, bad options (an empty etcd prefix)' },
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
