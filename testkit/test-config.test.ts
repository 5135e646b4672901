import { describe, expect, it } from 'vitest';
import { ConfigError } from '../engine/config/errors.js';
import { testConfig } from './test-config.js';

describe('testConfig', () => {
  it('runs one process on loopback with free ports, memory discovery, files in the given folder, no watchdog and no log output', () => {
    const config = testConfig('/tmp/t', '/tmp/t/store');
    expect(config.server.role).toBe('standalone');
    expect(config.cluster.discovery).toBe('memory');
    expect([config.http.port, config.rpc.port, config.gate.tcpPort, config.gate.wsPort, config.gate.kcpPort]).toEqual([0, 0, 0, 0, 0]);
    expect(config.store).toMatchObject({ backend: 'lmdb', lmdb: { path: '/tmp/t/store' } });
    expect(config.gate.identityKeyPath).toBe('/tmp/t/gate-identity.key');
    expect(config.watchdog.enabled).toBe(false);
    expect([config.log.console.enabled, config.log.file.enabled]).toEqual([false, false]);
    expect(Object.isFrozen(config.lobby)).toBe(true);
  });

  it("puts the test's overrides over the kit's settings, key by key", () => {
    const config = testConfig('/tmp/t', '/tmp/t/store', { lobby: { tickHz: 10 }, gate: { kcpPort: -1 } });
    expect(config.lobby.tickHz).toBe(10);
    expect(config.lobby.flushIntervalMs).toBe(5_000);
    expect([config.gate.kcpPort, config.gate.tcpPort]).toEqual([-1, 0]);
  });

  it('throws a ConfigError naming the override that fails the schema or a rule across keys', () => {
    expect(() => testConfig('/tmp/t', '/tmp/t/store', { lobby: { tickHz: 0 } })).toThrow(ConfigError);
    expect(() => testConfig('/tmp/t', '/tmp/t/store', { lobby: { tickHz: 0 } })).toThrow(/lobby\.tickHz.*startTestServer\(\{ config \}\)|startTestServer\(\{ config \}\).*lobby\.tickHz/s);
    expect(() => testConfig('/tmp/t', '/tmp/t/store', { store: { claimRenewMs: 20_000 } })).toThrow(/store\.claimRenewMs/);
  });
});
