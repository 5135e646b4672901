/** Usernames as stored: lower case, 3 to 32 characters from `a-z 0-9 _ . -`. */
export const USERNAME_PATTERN = /^[a-z0-9_.-]{3,32}$/;

/**
 * The stored form of a username typed by a player: trimmed and lower-cased, so that `Alice ` and
 * `alice` are one account.
 * @returns the normalized name, or `undefined` when it does not match {@link USERNAME_PATTERN}.
 */
export function normalizeUsername(raw: string): string | undefined {
  // Checked before trimming so that a huge string of spaces is not copied.
  if (raw.length > 64) return undefined;
  const name = raw.trim().toLowerCase();
  return USERNAME_PATTERN.test(name) ? name : undefined;
}
