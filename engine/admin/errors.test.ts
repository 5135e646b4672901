import { describe, expect, it } from 'vitest';
import { ADMIN_ERRORS, AdminError } from './errors.js';

describe('AdminError', () => {
  it('carries its code, wire code, HTTP status and cause', () => {
    const cause = new Error('jose said no');
    const err = new AdminError('ADMIN_ERR_UNAUTHENTICATED', 'token expired', { cause });
    expect(err.name).toBe('AdminError');
    expect([err.code, err.wireCode, err.status, err.cause]).toEqual(['ADMIN_ERR_UNAUTHENTICATED', 5401, 401, cause]);
  });

  it('renders { error: { code, wire, message } } with the detail after the message', () => {
    expect(new AdminError('ADMIN_ERR_NOT_FOUND', 'server gate-x').toBody()).toEqual({ error: { code: 'ADMIN_ERR_NOT_FOUND', wire: 5404, message: 'no such thing: server gate-x' } });
  });

  it('numbers its codes from 5401 upwards, each once, each named ADMIN_ERR_* with a 4xx or 5xx status', () => {
    const entries = Object.entries(ADMIN_ERRORS);
    for (const [code] of entries) expect(code).toMatch(/^ADMIN_ERR_[A-Z_]+$/);
    expect(entries.map(([, e]) => e.wire)).toEqual(entries.map((_, i) => 5401 + i));
    expect(entries.map(([, e]) => e.status)).toEqual([401, 403, 400, 404, 503, 400, 501]);
  });
});
