import { describe, expect, it } from 'vitest';
import { HUB_ERRORS, HubError } from './errors.js';

describe('HubError', () => {
  it('carries its code, wire code, detail and cause, with the catalogue message', () => {
    const cause = new Error('connection refused');
    const err = new HubError('HUB_ERR_GROUP_UNAVAILABLE', 'Redis is reconnecting', { cause });
    expect(err.name).toBe('HubError');
    expect([err.code, err.wireCode, err.detail, err.cause]).toEqual(['HUB_ERR_GROUP_UNAVAILABLE', 9354, 'Redis is reconnecting', cause]);
    expect(err.message).toBe('HUB_ERR_GROUP_UNAVAILABLE: the group store is unavailable; retry later: Redis is reconnecting');
  });

  it('numbers its codes from 9350 upwards, each once, each named HUB_ERR_*', () => {
    const entries = Object.entries(HUB_ERRORS);
    for (const [code] of entries) expect(code).toMatch(/^HUB_ERR_[A-Z_]+$/);
    expect(entries.map(([, e]) => e.wire)).toEqual(entries.map((_, i) => 9350 + i));
  });
});
