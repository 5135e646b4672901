import { describe, expect, it } from 'vitest';
import { checkAddressLists } from './check-address-lists.js';
import type { Config } from './config-schema.js';
import { defaults } from './defaults.js';
import { CONFIG_ERRORS } from './errors.js';

const withExempt = (exempt: string[]): Config => ({ ...defaults, login: { ...defaults.login, rateLimit: { ...defaults.login.rateLimit, exempt } } });

describe('checkAddressLists', () => {
  it('accepts the defaults and addresses and CIDR ranges of both families', () => {
    expect(checkAddressLists(defaults, () => undefined)).toEqual([]);
    expect(checkAddressLists(withExempt(['127.0.0.0/8', '::1', '10.1.2.3', 'fd00::/8']), () => undefined)).toEqual([]);
  });

  it('refuses each entry that is not an address or a range, naming its key and where it came from', () => {
    expect(checkAddressLists(withExempt(['127.0.0.0/8', '10.0.0.0/33', '::1', '1.2.3']), (path) => (path.endsWith('[1]') ? 'flag --login.rateLimit.exempt' : undefined))).toEqual([
      { code: CONFIG_ERRORS.INVALID, source: 'flag --login.rateLimit.exempt', path: 'login.rateLimit.exempt[1]', message: 'expected an IP address or a CIDR range (e.g. 127.0.0.0/8, ::1), got "10.0.0.0/33"' },
      { code: CONFIG_ERRORS.INVALID, source: 'merged config', path: 'login.rateLimit.exempt[3]', message: 'expected an IP address or a CIDR range (e.g. 127.0.0.0/8, ::1), got "1.2.3"' },
    ]);
  });
});
