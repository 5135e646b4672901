import { describe, expect, it } from 'vitest';
import { HTTP_ERRORS, HttpError } from './errors.js';

describe('HttpError', () => {
  it('carries its code, wire code, HTTP status and cause', () => {
    const cause = new Error('Request body is too large');
    const err = new HttpError('HTTP_ERR_TOO_LARGE', '', { cause });
    expect(err.name).toBe('HttpError');
    expect([err.code, err.wireCode, err.status, err.cause]).toEqual(['HTTP_ERR_TOO_LARGE', 5204, 413, cause]);
  });

  it('renders { error: { code, wire, message } }, the detail after the message when there is one, and an id when given', () => {
    expect(new HttpError('HTTP_ERR_BAD_JSON').toBody()).toEqual({ error: { code: 'HTTP_ERR_BAD_JSON', wire: 5202, message: 'body is not valid JSON' } });
    expect(new HttpError('HTTP_ERR_BAD_REQUEST', 'body/name must be string').toBody()).toEqual({
      error: { code: 'HTTP_ERR_BAD_REQUEST', wire: 5201, message: 'request is malformed: body/name must be string' },
    });
    expect(new HttpError('HTTP_ERR_INTERNAL').toBody('id-1')).toEqual({ error: { code: 'HTTP_ERR_INTERNAL', wire: 5207, message: 'internal error', id: 'id-1' } });
  });

  it('numbers its codes from 5201 upwards, each once, each named HTTP_ERR_* with a 4xx or 5xx status', () => {
    const entries = Object.entries(HTTP_ERRORS);
    for (const [code] of entries) expect(code).toMatch(/^HTTP_ERR_[A-Z_]+$/);
    expect(entries.map(([, e]) => e.wire)).toEqual(entries.map((_, i) => 5201 + i));
    expect(entries.map(([, e]) => e.status)).toEqual([400, 400, 415, 413, 404, 405, 500, 408, 431]);
  });
});
