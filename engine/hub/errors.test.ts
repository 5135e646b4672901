import { describe, expect, it } from 'vitest';
import { HUB_ERRORS, HubError } from './errors.js';

describe('HubError', () => {
  it('carries its code, its wire number, the catalogue message with the detail, and the cause', () => {
    const cause = new Error('connection refused');
    const err = new HubError('HUB_ERR_UNAVAILABLE', 'publish', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('HubError');
    expect(err.wireCode).toBe(9302);
    expect(err.message).toBe('HUB_ERR_UNAVAILABLE: hub backend unavailable: publish');
    expect(err.cause).toBe(cause);
    const group = new HubError('HUB_ERR_GROUP_UNAVAILABLE', 'Redis is reconnecting');
    expect([group.code, group.wireCode, group.detail]).toEqual(['HUB_ERR_GROUP_UNAVAILABLE', 9354, 'Redis is reconnecting']);
    expect(group.message).toBe('HUB_ERR_GROUP_UNAVAILABLE: the group store is unavailable; retry later: Redis is reconnecting');
  });

  it('numbers its codes within 9300-9399, each once, each named HUB_ERR_*', () => {
    const entries = Object.entries(HUB_ERRORS);
    for (const [code, entry] of entries) {
      expect(code).toMatch(/^HUB_ERR_[A-Z_]+$/);
      expect(entry.wire).toBeGreaterThanOrEqual(9300);
      expect(entry.wire).toBeLessThan(9400);
    }
    expect(new Set(entries.map(([, e]) => e.wire)).size).toBe(entries.length);
  });
});
