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
  });

  it('numbers its codes within 9300-9349, each named HUB_ERR_*', () => {
    for (const [code, entry] of Object.entries(HUB_ERRORS)) {
      expect(code).toMatch(/^HUB_ERR_[A-Z_]+$/);
      expect(entry.wire).toBeGreaterThanOrEqual(9300);
      expect(entry.wire).toBeLessThan(9350);
    }
  });
});
