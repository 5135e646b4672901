import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROLES } from './config-schema.js';
import { loadConfig } from './load-config.js';
import { defaults } from './defaults.js';

const configDir = fileURLToPath(new URL('../../config/', import.meta.url));
const RPC_SECRET = 'a-cluster-secret-of-at-least-32-bytes';
const shipped = readdirSync(configDir).filter((name) => name.endsWith('.jsonc'));

describe('shipped config files', () => {
  it('include one file per role', () => {
    expect(shipped.sort()).toEqual(ROLES.map((role) => `${role}.jsonc`).sort());
  });

  it.each(ROLES)('config/%s.jsonc loads and validates with only the cluster secret in the environment', (role) => {
    const config = loadConfig({ role, configDir, env: { RPC_SECRET }, argv: [] });
    expect(config.server.role).toBe(role);
  });

  it('take the cluster secret from RPC_SECRET, and standalone needs none', () => {
    expect(loadConfig({ role: 'gate', configDir, env: { RPC_SECRET }, argv: [] }).rpc.secret).toBe(RPC_SECRET);
    expect(loadConfig({ role: 'standalone', configDir, env: {}, argv: [] }).rpc.secret).toBeUndefined();
  });

  it.each(['gate', 'lobby', 'services'] as const)('config/%s.jsonc refuses to load without RPC_SECRET, saying so', (role) => {
    expect(() => loadConfig({ role, configDir, env: {}, argv: [] })).toThrow(/RPC_SECRET/);
  });

  it("config/lobby.jsonc sets the lobby's game, tick rate, flush interval, queue caps, timer cap and space cap", () => {
    const text = readFileSync(`${configDir}lobby.jsonc`, 'utf8');
    for (const key of ['game', 'tickHz', 'flushIntervalMs', 'maxQueuedPerSession', 'maxQueuedPerEntity', 'maxTimersPerEntity', 'maxSpaces']) {
      expect(text, key).toMatch(new RegExp(`"${key}":`));
    }
  });

  it.each(['gate', 'lobby', 'services'] as const)('config/%s.jsonc leaves tracing off unless TRACING is true, and takes the collector from the settings variable', (role) => {
    const load = (env: Record<string, string>) => loadConfig({ role, configDir, env: { RPC_SECRET, ...env }, argv: [] }).tracing;
    expect(load({})).toMatchObject({ enabled: false, sampleRatio: 0.1 });
    expect(load({ TRACING: 'true', TRACE_SAMPLE_RATIO: '0.5', TESSERA_TRACING__OTLP_URL: 'http://collector:4318/v1/traces' })).toMatchObject({
      enabled: true,
      sampleRatio: 0.5,
      otlpUrl: 'http://collector:4318/v1/traces',
    });
  });

  it('use LMDB for standalone, MongoDB for lobby and services', () => {
    const load = (role: (typeof ROLES)[number]) => loadConfig({ role, configDir, env: { RPC_SECRET }, argv: [] });
    expect(load('standalone').store.backend).toBe('lmdb');
    expect(load('lobby').store.backend).toBe('mongodb');
    expect(load('services').store.backend).toBe('mongodb');
  });

  it('let local dev-server pages log in across origins in standalone only', () => {
    const load = (role: (typeof ROLES)[number]) => loadConfig({ role, configDir, env: { RPC_SECRET }, argv: [] });
    expect(load('standalone').login.cors.origins).toEqual([
      'http://127.0.0.1:5173',
      'http://localhost:5173',
      'http://127.0.0.1:3000',
      'http://localhost:3000',
      'http://127.0.0.1:8000',
      'http://localhost:8000',
    ]);
    for (const role of ROLES.filter((r) => r !== 'standalone')) expect(load(role).login.cors.origins, role).toEqual([]);
  });

  it('exempt loopback from the login limits in standalone only, so that bots and the REPL on the same host log in freely', () => {
    const load = (role: (typeof ROLES)[number]) => loadConfig({ role, configDir, env: { RPC_SECRET }, argv: [] });
    expect(load('standalone').login.rateLimit.exempt).toEqual(['127.0.0.0/8', '::1']);
    for (const role of ROLES.filter((r) => r !== 'standalone')) expect(load(role).login.rateLimit.exempt, role).toEqual([]);
  });

  it('hash passwords cheaper in standalone only, the cluster roles at the default cost', () => {
    const load = (role: (typeof ROLES)[number]) => loadConfig({ role, configDir, env: { RPC_SECRET }, argv: [] });
    expect(load('standalone').login.scrypt).toEqual({ ...defaults.login.scrypt, N: 4096 });
    expect(load('standalone').login.hashing.maxRegistrations).toBe(256);
    for (const role of ROLES.filter((r) => r !== 'standalone')) {
      expect(load(role).login.scrypt, role).toEqual(defaults.login.scrypt);
      expect(load(role).login.hashing, role).toEqual(defaults.login.hashing);
    }
  });

  it('keep the online index in Redis for a gate of a cluster, in memory for standalone', () => {
    const load = (role: (typeof ROLES)[number]) => loadConfig({ role, configDir, env: { RPC_SECRET }, argv: [] });
    expect(load('gate').gate.onlineIndex).toBe('redis');
    expect(load('standalone').gate.onlineIndex).toBe('memory');
  });

  it('share groups, topics and pushes through Redis in a cluster, in memory for standalone', () => {
    const load = (role: (typeof ROLES)[number]) => loadConfig({ role, configDir, env: { RPC_SECRET }, argv: [] });
    for (const role of ['gate', 'lobby', 'services'] as const) expect(load(role).hub.backend, role).toBe('redis');
    expect(load('standalone').hub.backend).toBe('memory');
  });

  it('keep matchmaking tickets in Redis for services, in memory for standalone, with the arena\'s 2v2 mode', () => {
    const load = (role: (typeof ROLES)[number]) => loadConfig({ role, configDir, env: { RPC_SECRET }, argv: [] });
    expect(load('services').matchmaker.store).toBe('redis');
    expect(load('standalone').matchmaker.store).toBe('memory');
    for (const role of ['services', 'standalone'] as const) expect(load(role).matchmaker.modes['2v2'], role).toMatchObject({ teams: 2, teamSize: 2, space: 'match' });
  });

  it('take their URLs and hosts from the environment when set', () => {
    const env = { RPC_SECRET, MONGO_URL: 'mongodb://db.internal:27017', HOST_IP: '10.0.0.7', ETCD_URL: 'http://etcd:2379', PORT: '9000' };
    const config = loadConfig({ role: 'services', configDir, env, argv: [] });
    expect(config.store.mongodb.url).toBe('mongodb://db.internal:27017');
    expect(config.server.host).toBe('10.0.0.7');
    expect(config.etcd.hosts).toEqual(['http://etcd:2379']);
    expect(config.http.port).toBe(9000);
  });

  it('believe no proxy unless told, and take the trusted proxies from TESSERA_HTTP__TRUST_PROXY as addresses or ranges only', () => {
    expect(loadConfig({ role: 'services', configDir, env: { RPC_SECRET }, argv: [] }).http.trustProxy).toEqual([]);
    const env = { RPC_SECRET, TESSERA_HTTP__TRUST_PROXY: '10.0.0.0/8,192.168.1.5,::1,loopback' };
    expect(loadConfig({ role: 'services', configDir, env, argv: [] }).http.trustProxy).toEqual(['10.0.0.0/8', '192.168.1.5', '::1', 'loopback']);
    expect(() => loadConfig({ role: 'services', configDir, env: { RPC_SECRET, TESSERA_HTTP__TRUST_PROXY: 'lb.internal' }, argv: [] })).toThrow(/http\.trustProxy/);
  });
});
