import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROLES } from './config-schema.js';
import { loadConfig } from './load-config.js';

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

  it('use LMDB for standalone, MongoDB for lobby and services', () => {
    const load = (role: (typeof ROLES)[number]) => loadConfig({ role, configDir, env: { RPC_SECRET }, argv: [] });
    expect(load('standalone').store.backend).toBe('lmdb');
    expect(load('lobby').store.backend).toBe('mongodb');
    expect(load('services').store.backend).toBe('mongodb');
  });

  it('take their URLs and hosts from the environment when set', () => {
    const env = { RPC_SECRET, MONGO_URL: 'mongodb://db.internal:27017', HOST_IP: '10.0.0.7', ETCD_URL: 'http://etcd:2379', PORT: '9000' };
    const config = loadConfig({ role: 'services', configDir, env, argv: [] });
    expect(config.store.mongodb.url).toBe('mongodb://db.internal:27017');
    expect(config.server.host).toBe('10.0.0.7');
    expect(config.etcd.hosts).toEqual(['http://etcd:2379']);
    expect(config.http.port).toBe(9000);
  });
});
