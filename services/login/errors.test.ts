import { describe, expect, it } from 'vitest';
import { LOGIN_ERRORS, LoginError } from './errors.js';

describe('LoginError', () => {
  it('carries its code, wire code, HTTP status, retry delay and cause', () => {
    const cause = new Error('store closed');
    const err = new LoginError('LOGIN_ERR_RATE_LIMITED', 'too many attempts for this address', { cause, retryAfterMs: 2_000 });
    expect(err.name).toBe('LoginError');
    expect([err.code, err.wireCode, err.status, err.retryAfterMs, err.cause]).toEqual(['LOGIN_ERR_RATE_LIMITED', 5104, 429, 2_000, cause]);
  });

  it('renders the error body as { error: { code, wire, message } }', () => {
    expect(new LoginError('LOGIN_ERR_BAD_CREDENTIALS', 'check both and try again').toBody()).toEqual({
      error: { code: 'LOGIN_ERR_BAD_CREDENTIALS', wire: 5103, message: 'wrong username or password: check both and try again' },
    });
  });

  it('numbers its codes from 5101 upwards, each once, each named LOGIN_ERR_* with a 4xx or 5xx status', () => {
    const entries = Object.entries(LOGIN_ERRORS);
    for (const [code, entry] of entries) {
      expect(code).toMatch(/^LOGIN_ERR_[A-Z_]+$/);
      expect(entry.status).toBeGreaterThanOrEqual(400);
    }
    expect(entries.map(([, e]) => e.wire)).toEqual(entries.map((_, i) => 5101 + i));
    expect(entries.map(([, e]) => e.status)).toEqual([400, 409, 401, 429, 503, 503, 503]);
  });
});
