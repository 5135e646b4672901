/**
 * The code a failed span is marked with: the catalogue code of what was thrown (`GATE_ERR_*`,
 * `RPC_ERR_*`, a game's own code), else the error's class name.
 */

/** The catalogue code of `err`, else its class name, else `Error`. */
export function errorCodeOf(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'Error';
  try {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code.slice(0, 64);
    return err instanceof Error ? err.name : 'Error';
  } catch {
    return 'Error'; // a getter that throws
  }
}
