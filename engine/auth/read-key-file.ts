import { open } from 'node:fs/promises';
import { AuthError } from './errors.js';

/** Largest key file read: a PEM Ed25519 key is about 120 bytes, a certificate chain a few KiB. */
export const MAX_KEY_FILE_BYTES = 64 * 1024;

/**
 * Reads a PEM key file, refusing one larger than {@link MAX_KEY_FILE_BYTES} before reading it.
 * @param path the file to read.
 * @param what names the key in the error, e.g. `login.privateKeyPath`.
 * @throws AuthError AUTH_ERR_KEY when the file is missing, unreadable or too large.
 */
export async function readKeyFile(path: string, what: string): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    const { size } = await handle.stat();
    if (size > MAX_KEY_FILE_BYTES) {
      throw new AuthError('AUTH_ERR_KEY', `${what} ${path}: ${size} bytes, more than ${MAX_KEY_FILE_BYTES}`);
    }
    return await handle.readFile('utf8');
  } catch (err) {
    if (err instanceof AuthError) throw err;
    throw new AuthError('AUTH_ERR_KEY', `${what} ${path}: ${(err as Error).message}`, { cause: err });
  } finally {
    await handle?.close();
  }
}
