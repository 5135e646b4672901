import { describe, expect, it } from 'vitest';
import { ClientError } from '../errors.js';
import { LoginFailed } from '../login.js';
import { RequestError } from '../request-error.js';
import { errorCodeOf } from './error-code.js';
import { BotError } from './errors.js';

describe('errorCodeOf', () => {
  it("takes the server's code when a server said why", () => {
    expect(errorCodeOf(new RequestError('Shop.buy', { code: 4001, name: 'SHOP_ERR_NO_GOLD', message: 'poor' }))).toBe('SHOP_ERR_NO_GOLD');
    expect(errorCodeOf(new LoginFailed(429, 'LOGIN_ERR_RATE_LIMITED', 'slow down'))).toBe('LOGIN_ERR_RATE_LIMITED');
    expect(errorCodeOf(new ClientError('CLIENT_ERR_KICKED', 'dup', { server: { code: 'GATE_ERR_DUPLICATE_LOGIN', message: 'elsewhere' } }))).toBe('GATE_ERR_DUPLICATE_LOGIN');
  });

  it("takes a catalogue code otherwise, then the error's name", () => {
    expect(errorCodeOf(new ClientError('CLIENT_ERR_REQUEST_TIMEOUT', 'slow'))).toBe('CLIENT_ERR_REQUEST_TIMEOUT');
    expect(errorCodeOf(new BotError('BOT_ERR_PUSH_TIMEOUT', 'none'))).toBe('BOT_ERR_PUSH_TIMEOUT');
    expect(errorCodeOf(new TypeError('x is undefined'))).toBe('TypeError');
    expect(errorCodeOf('a string')).toBe('Error');
    expect(errorCodeOf(undefined)).toBe('Error');
  });
});
