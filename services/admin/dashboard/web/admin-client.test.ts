import { describe, expect, it } from 'vitest';
import { AdminRequestError, errorOf, sessionSearchPath } from './admin-client.js';

describe('the dashboard\'s admin API client', () => {
  it('searches a session by username or account id, trimmed and escaped', () => {
    expect(sessionSearchPath('username', '  alice ')).toBe('/admin/sessions?username=alice');
    expect(sessionSearchPath('account', '01J&x=1')).toBe('/admin/sessions?account=01J%26x%3D1');
  });

  it('reads a coded error body into an error naming its code', () => {
    const err = errorOf(401, { error: { code: 'ADMIN_ERR_UNAUTHENTICATED', wire: 1, message: 'no token' } });
    expect(err).toBeInstanceOf(AdminRequestError);
    expect(err).toMatchObject({ status: 401, code: 'ADMIN_ERR_UNAUTHENTICATED', message: 'ADMIN_ERR_UNAUTHENTICATED: no token', unauthenticated: true });
  });

  it('names the status when the body is not a coded error', () => {
    for (const body of [null, 'oops', { error: 'x' }, {}]) expect(errorOf(502, body)).toMatchObject({ status: 502, code: undefined, message: 'HTTP 502', unauthenticated: false });
  });
});
