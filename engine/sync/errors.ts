/**
 * The sync error catalogue: bytes a client's {@link SyncDecoder} cannot read. Each means the
 * stream is broken (a bug, or bytes that are not a sync message): the decoder forgets its state
 * and waits for a snapshot. Codes are stable and never reused; each has a test and a line in
 * docs/sync.md.
 */
import { CodedError } from '../errors/coded-error.js';

export const SYNC_ERRORS = {
  SYNC_ERR_TRUNCATED: { message: 'message ends before its declared end' },
  SYNC_ERR_TOO_LARGE: { message: 'message larger than the limit' },
  SYNC_ERR_VERSION: { message: 'unknown format version' },
  SYNC_ERR_BAD_FLAGS: { message: 'unknown flag bits' },
  SYNC_ERR_BAD_VARINT: { message: 'varint longer than 8 bytes or above 2^53' },
  SYNC_ERR_NO_SCHEMA: { message: 'a delta before any snapshot' },
  SYNC_ERR_BAD_SCHEMA: { message: 'schema section is invalid' },
  SYNC_ERR_UNKNOWN_TYPE: { message: 'type index outside the schema' },
  SYNC_ERR_UNKNOWN_NET: { message: 'net id not in view' },
  SYNC_ERR_DUPLICATE_NET: { message: 'entity entered while in view' },
  SYNC_ERR_BAD_MASK: { message: 'field mask names a field the type lacks' },
  SYNC_ERR_BAD_VALUE: { message: 'value cannot be decoded' },
  SYNC_ERR_TOO_DEEP: { message: 'nesting deeper than the limit' },
  SYNC_ERR_TOO_MANY_ENTITIES: { message: 'more entities in view than the limit' },
  SYNC_ERR_TRAILING: { message: 'bytes after the end of the message' },
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
