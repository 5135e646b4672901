import { describe, expect, it } from 'vitest';
import { defaults } from '../../engine/config/defaults.js';
import { ASSUMPTIONS, defaultAssumptions } from './assumptions.js';

describe('the capacity assumptions', () => {
  it('default to the engine\'s own settings where they stand for one', () => {
    const a = defaultAssumptions();
    expect(a['sync-hz']).toBe(defaults.lobby.tickHz);
    expect(a['flush-ms']).toBe(defaults.lobby.flushIntervalMs);
    expect(a['online-ttl-ms']).toBe(defaults.gate.onlineTtlMs);
    expect(a['lease-ttl-s']).toBe(defaults.etcd.leaseTtlSeconds);
    expect(a['load-report-ms']).toBe(defaults.cluster.loadReportIntervalMs);
  });

  it('each have a default inside their range and a reason', () => {
    for (const [name, spec] of Object.entries(ASSUMPTIONS)) {
      expect(spec.value, name).toBeGreaterThanOrEqual(spec.min);
      if ('max' in spec) expect(spec.value, name).toBeLessThanOrEqual(spec.max);
      expect(spec.why.length, name).toBeGreaterThan(10);
    }
  });
});
