import { describe, expect, it } from 'vitest';
import { DISCOVERY_ERRORS, DiscoveryError } from './errors.js';

describe('DiscoveryError', () => {
  it('carries its code, the catalogue message with the detail, and the cause', () => {
    const cause = new Error('connection refused');
    const err = new DiscoveryError('DISCOVERY_ERR_UNAVAILABLE', 'lease grant', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('DiscoveryError');
    expect(err.code).toBe('DISCOVERY_ERR_UNAVAILABLE');
    expect(err.message).toBe('DISCOVERY_ERR_UNAVAILABLE: discovery backend unavailable: lease grant');
    expect(err.cause).toBe(cause);
  });

  it('has a code for each catalogue entry, each named DISCOVERY_ERR_*', () => {
    for (const code of Object.keys(DISCOVERY_ERRORS)) expect(code).toMatch(/^DISCOVERY_ERR_[A-Z_]+$/);
  });
});
