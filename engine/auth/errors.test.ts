import { describe, expect, it } from 'vitest';
import { AUTH_ERRORS, AuthError } from './errors.js';

describe('AuthError', () => {
  it('carries its code, wire code, the catalogue message with the detail, and the cause', () => {
    const cause = new Error('bad signature');
    const err = new AuthError('AUTH_ERR_TOKEN_INVALID', 'signature verification failed', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('AuthError');
    expect(err.code).toBe('AUTH_ERR_TOKEN_INVALID');
    expect(err.wireCode).toBe(5001);
    expect(err.message).toBe(`AUTH_ERR_TOKEN_INVALID: ${AUTH_ERRORS.AUTH_ERR_TOKEN_INVALID.message}: signature verification failed`);
    expect(err.cause).toBe(cause);
  });

  it('numbers its codes from 5001 upwards, each once, each named AUTH_ERR_*', () => {
    const entries = Object.entries(AUTH_ERRORS);
    for (const [code] of entries) expect(code).toMatch(/^AUTH_ERR_[A-Z_]+$/);
    expect(entries.map(([, e]) => e.wire)).toEqual(entries.map((_, i) => 5001 + i));
  });
});
