/**
 * The sync error catalogue: bytes a client's {@link SyncDecoder} cannot read. Each means the
 * stream is broken (a bug, or bytes that are not a sync message): the decoder forgets its state
 * and waits for a snapshot. Codes are stable and never reused; each has a test and a line in
 * docs/sync.md.
 */
import { CodedError } from '../errors/coded-error.js';

export const SYNC_ERRORS = {
  SYNC_ERR_TRUNCATED: { message: 'message ends before its declared end', when: 'the message ends before its declared end, or a declared count cannot fit in the bytes left' },
  SYNC_ERR_TOO_LARGE: { message: 'message larger than the limit', when: 'the message is larger than `maxMessageBytes`' },
  SYNC_ERR_VERSION: { message: 'unknown format version', when: 'the first byte is not a known format version' },
  SYNC_ERR_BAD_FLAGS: { message: 'unknown flag bits', when: 'a flag bit outside `0f` is set' },
  SYNC_ERR_BAD_VARINT: { message: 'varint longer than 8 bytes or above 2^53', when: 'a varint is longer than 8 bytes or above 2^53−1' },
  SYNC_ERR_NO_SCHEMA: { message: 'a delta before any snapshot', when: 'a message other than a snapshot came first (or after an error)' },
  SYNC_ERR_BAD_SCHEMA: { message: 'schema section is invalid', when: 'the schema has an unknown kind, a step that is not finite and above 0, a forbidden, empty or repeated name, or a type without fields' },
  SYNC_ERR_UNKNOWN_TYPE: { message: 'type index outside the schema', when: 'an enter names a type number outside the schema' },
  SYNC_ERR_UNKNOWN_NET: { message: 'net id not in view', when: 'a leave or change names a net id not in view' },
  SYNC_ERR_DUPLICATE_NET: { message: 'entity entered while in view', when: 'an enter names a net id already in view' },
  SYNC_ERR_BAD_MASK: { message: 'field mask names a field the type lacks', when: 'a field mask sets a bit past the type\'s fields' },
  SYNC_ERR_BAD_VALUE: { message: 'value cannot be decoded', when: 'an unknown value tag, text that is not UTF-8, or a forbidden map key' },
  SYNC_ERR_TOO_DEEP: { message: 'nesting deeper than the limit', when: 'plain values nested deeper than 32' },
  SYNC_ERR_TOO_MANY_ENTITIES: { message: 'more entities in view than the limit', when: 'more entities in view than `maxEntities`' },
  SYNC_ERR_TRAILING: { message: 'bytes after the end of the message', when: 'bytes follow the end of the message' },
} as const;

/** One of the codes in {@link SYNC_ERRORS}. */
export type SyncErrorCode = keyof typeof SYNC_ERRORS;

/** Sync bytes that cannot be decoded within the limits. */
export class SyncError extends CodedError<SyncErrorCode> {
  override readonly name = 'SyncError';

  /**
   * @param code the catalogue code.
   * @param detail what exactly went wrong (with the byte offset), appended to the catalogue message.
   */
  constructor(code: SyncErrorCode, detail: string) {
    super(SYNC_ERRORS, code, detail);
  }
}
