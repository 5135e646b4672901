/**
 * The rule on address lists that the schema's pattern cannot express: each entry of
 * `login.rateLimit.exempt` is an IPv4 or IPv6 address or a CIDR range with a prefix length that
 * fits its family. Checked here so that a typo stops start-up with the key named, rather than
 * the login service throwing when it starts.
 */
import { parseAddressRange } from '../net/address-ranges.js';
import type { Config } from './config-schema.js';
import { CONFIG_ERRORS, type ConfigProblem } from './errors.js';

/**
 * Problems with the address lists of a configuration that passed the schema.
 * @param originOf where a key's value came from, for the problem's source.
 */
export function checkAddressLists(config: Config, originOf: (path: string) => string | undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  config.login.rateLimit.exempt.forEach((entry, i) => {
    if (parseAddressRange(entry)) return;
    const path = `login.rateLimit.exempt[${i}]`;
    problems.push({ code: CONFIG_ERRORS.INVALID, source: originOf(path) ?? 'merged config', path, message: `expected an IP address or a CIDR range (e.g. 127.0.0.0/8, ::1), got ${JSON.stringify(entry)}` });
  });
  return problems;
}
