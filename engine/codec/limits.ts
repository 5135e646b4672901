/** Caps on everything a decoded value may contain; each is checked at the byte that reveals it. */
export interface CodecLimits {
  /** Largest frame (one encoded value), in bytes. */
  maxFrameBytes: number;
  /** Deepest nesting of arrays and maps: a scalar alone is depth 0, a top-level array depth 1. */
  maxDepth: number;
  /** Longest string, in UTF-8 bytes. */
  maxStringBytes: number;
  /** Longest binary, in bytes. */
  maxBinaryBytes: number;
  /** Most elements in one array. */
  maxArrayLength: number;
  /** Most entries in one map. */
  maxMapLength: number;
}

/** Safe defaults for server-to-server traffic. */
export const DEFAULT_CODEC_LIMITS: Readonly<CodecLimits> = Object.freeze({
  maxFrameBytes: 4 * 1024 * 1024,
  maxDepth: 32,
  maxStringBytes: 1024 * 1024,
  maxBinaryBytes: 4 * 1024 * 1024,
  maxArrayLength: 100_000,
  maxMapLength: 100_000,
});
