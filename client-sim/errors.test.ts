import { describe, expect, it } from 'vitest';
import { CLIENT_ERRORS, ClientError } from './errors.js';

describe('ClientError', () => {
  it('carries its code, detail and cause, with a message of the form CODE: catalogue message: detail', () => {
    const cause = new TypeError('Failed to fetch');
    const err = new ClientError('CLIENT_ERR_LOGIN_UNREACHABLE', 'POST http://127.0.0.1:1/login failed', { cause });
    expect(err.name).toBe('ClientError');
    expect([err.code, err.detail, err.cause]).toEqual(['CLIENT_ERR_LOGIN_UNREACHABLE', 'POST http://127.0.0.1:1/login failed', cause]);
    expect(err.message).toBe('CLIENT_ERR_LOGIN_UNREACHABLE: login service could not be reached: POST http://127.0.0.1:1/login failed');
  });

  it('names every code CLIENT_ERR_* with a message', () => {
    for (const [code, entry] of Object.entries(CLIENT_ERRORS)) {
      expect(code).toMatch(/^CLIENT_ERR_[A-Z_]+$/);
      expect(entry.message.length).toBeGreaterThan(10);
    }
  });
});
