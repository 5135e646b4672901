import { describe, expect, it } from 'vitest';
import { SCALING_ERRORS, ScalingError } from './errors.js';

describe('ScalingError', () => {
  it('carries its code, detail and cause, with a message of the form CODE: catalogue message: detail', () => {
    const cause = new Error('EACCES');
    const err = new ScalingError('SCALING_ERR_NO_CGROUP', 'run as root', { cause });
    expect(err.name).toBe('ScalingError');
    expect([err.code, err.detail, err.cause]).toEqual(['SCALING_ERR_NO_CGROUP', 'run as root', cause]);
    expect(err.message).toBe(`SCALING_ERR_NO_CGROUP: ${SCALING_ERRORS.SCALING_ERR_NO_CGROUP.message}: run as root`);
  });

  it('has every code named SCALING_ERR_* with a message and a line for the docs', () => {
    for (const [code, entry] of Object.entries(SCALING_ERRORS)) {
      expect(code).toMatch(/^SCALING_ERR_[A-Z_]+$/);
      expect(entry.message.length).toBeGreaterThan(10);
      expect(entry.when.length).toBeGreaterThan(20);
    }
  });
});
