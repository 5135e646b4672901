/**
 * The code a failure is counted under in a bot run: what the server said when it said why, else
 * the SDK's or the bot runtime's code, else the error's class name.
 */
import { CodedError } from '../../engine/errors/coded-error.js';
import { ClientError } from '../errors.js';

/**
 * The code to count `err` under: a server's code (`serverCode` of a refusal, a kick or a refused
 * login, e.g. `GATE_ERR_ROUTE_BLOCKED`, `LOGIN_ERR_RATE_LIMITED`), else its catalogue code
 * (`CLIENT_ERR_*`, `BOT_ERR_*`, any engine code), else its `name` (`TypeError`), else `Error`.
 */
export function errorCodeOf(err: unknown): string {
  if (err instanceof ClientError && err.serverCode !== undefined) return err.serverCode;
  if (err instanceof CodedError) return err.code;
  if (err instanceof Error) return err.name || 'Error';
  return 'Error';
}
