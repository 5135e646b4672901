/**
 * The codec error catalogue. Every codec error means the peer sent bytes that break the protocol
 * (or a local value cannot be sent): the receiving side closes that connection and nothing else.
 * Codes are stable and never reused; each has a test and a line in docs/rpc.md.
 */
import { CodedError } from '../errors/coded-error.js';

export const CODEC_ERRORS = {
  CODEC_ERR_FRAME_TOO_LARGE: { wire: 1001, message: 'frame larger than the limit', when: 'a frame header declares, or an encoded value takes, more than `maxFrameBytes`' },
  CODEC_ERR_TRUNCATED: { wire: 1002, message: 'value ends before its declared end', when: 'a value ends before its declared end' },
  CODEC_ERR_MALFORMED: { wire: 1003, message: 'bytes are not valid msgpack', when: 'an invalid type byte, trailing bytes, or bytes the decoder refuses' },
  CODEC_ERR_TOO_DEEP: { wire: 1004, message: 'nesting deeper than the limit', when: 'nesting deeper than `maxDepth`' },
  CODEC_ERR_STRING_TOO_LONG: { wire: 1005, message: 'string longer than the limit', when: 'a string over `maxStringBytes`' },
  CODEC_ERR_BINARY_TOO_LONG: { wire: 1006, message: 'binary longer than the limit', when: 'a binary over `maxBinaryBytes`' },
  CODEC_ERR_ARRAY_TOO_LONG: { wire: 1007, message: 'array longer than the limit', when: 'an array over `maxArrayLength`' },
  CODEC_ERR_MAP_TOO_LONG: { wire: 1008, message: 'map larger than the limit', when: 'a map over `maxMapLength`' },
  CODEC_ERR_FORBIDDEN_KEY: { wire: 1009, message: 'map key not allowed', when: 'a map key that is not a string or integer, or is `__proto__` or `constructor`' },
  CODEC_ERR_UNSUPPORTED_TYPE: { wire: 1010, message: 'type not supported', when: 'an extension type other than the timestamp' },
  CODEC_ERR_UNENCODABLE: { wire: 1011, message: 'value cannot be encoded', when: 'a value msgpack cannot carry (a function, a symbol, a cycle)' },
} as const;

/** One of the codes in {@link CODEC_ERRORS}. */
export type CodecErrorCode = keyof typeof CODEC_ERRORS;

/** Bytes that cannot be decoded, or a value that cannot be encoded, within the limits. */
export class CodecError extends CodedError<CodecErrorCode> {
  override readonly name = 'CodecError';
  /** The numeric code used on the wire. */
  readonly wireCode: number = CODEC_ERRORS[this.code].wire;

  /**
   * @param code the catalogue code.
   * @param detail what exactly went wrong, appended to the catalogue message.
   * @param options `cause`: the error behind it.
   */
  constructor(code: CodecErrorCode, detail: string, options?: { cause?: unknown }) {
    super(CODEC_ERRORS, code, detail, options);
  }
}
