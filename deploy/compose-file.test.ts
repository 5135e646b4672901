/**
 * deploy/compose.yml: parsed as Docker Compose reads it, every service it waits for present and
 * health-checked, each engine process given settings that make a valid configuration, the
 * ports it publishes the ones that process listens on, and stop periods long enough for a
 * lobby's and a gate's drain.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCompose, type ComposeService } from './compose-file.js';
import { loadDeployedConfig, SAMPLE_SECRET } from './deployed-config.js';
import { DEPLOY_DIR } from './deploy-queries.js';

const compose = readCompose({ RPC_SECRET: SAMPLE_SECRET });
const engine = Object.entries(compose.services).filter(([, s]) => s.command?.[0] === '--role');

/** Published `host:container[/protocol]` ports of a service, as `container/protocol`. */
function published(service: ComposeService): string[] {
  return (service.ports ?? []).map((p) => {
    const [mapping, protocol = 'tcp'] = p.split('/');
    const [host, inside] = (mapping ?? '').split(':');
    expect(host, p).toBe(inside);
    return `${inside}/${protocol}`;
  });
}

/** A service's `stop_grace_period` (whole seconds) in ms; compose's default is 10 s. */
function graceMsOf(service: ComposeService): number {
  return Number(/^(\d+)s$/.exec(service.stop_grace_period ?? '')?.[1] ?? 10) * 1000;
}

describe('the compose file', () => {
  it('runs etcd, Redis, MongoDB, services, two gates and two lobbies', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['etcd', 'gate-1', 'gate-2', 'lobby-1', 'lobby-2', 'mongodb', 'redis', 'services']);
    expect(engine.map(([, s]) => s.command?.[1]).sort()).toEqual(['gate', 'gate', 'lobby', 'lobby', 'services']);
  });

  it('refuses to start without the cluster secret', () => {
    expect(() => readCompose({})).toThrow(/RPC_SECRET is not set/);
  });

  it('builds the engine image from the repository Dockerfile and runs every engine process from it', () => {
    const builders = engine.filter(([, s]) => s.build);
    expect(builders).toHaveLength(1);
    const build = builders[0]![1].build!;
    expect(existsSync(join(DEPLOY_DIR, build.context, build.dockerfile))).toBe(true);
    expect(new Set(engine.map(([, s]) => s.image))).toEqual(new Set([builders[0]![1].image]));
  });

  it('starts the engine after etcd, Redis and MongoDB report healthy', () => {
    for (const [name, service] of engine) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(condition, name).toBe('service_healthy');
        expect(compose.services[dependency]?.healthcheck?.test, `${name} → ${dependency}`).toBeDefined();
      }
      expect(Object.keys(service.depends_on ?? {}).sort(), name).toEqual(['etcd', 'mongodb', 'redis']);
    }
  });

  it('gives each engine process addresses of services the file runs', () => {
    for (const [name, service] of engine) {
      for (const key of ['ETCD_URL', 'REDIS_URL', 'MONGO_URL']) {
        const host = new URL(service.environment?.[key] ?? '').hostname;
        expect(compose.services[host], `${name} ${key}`).toBeDefined();
      }
      expect(service.environment?.HOST_IP, name).toBe(name);
    }
  });

  for (const [name, service] of engine) {
    it(`${name}: starts with a valid configuration and publishes the ports it listens on`, () => {
      const config = loadDeployedConfig(service.environment ?? {}, service.command ?? []);
      expect(config.server.host).toBe(name);
      const ports = published(service);
      if (config.server.role === 'gate') {
        expect(ports).toEqual([`${config.gate.tcpPort}/tcp`, `${config.gate.wsPort}/tcp`, `${config.gate.kcpPort}/udp`]);
        expect(config.gate.host).toBe('0.0.0.0');
        expect(graceMsOf(service)).toBeGreaterThanOrEqual(config.gate.drainMoveMs + 10_000);
        expect(config.auth.jwksUrl).toBe(`http://services:${compose.services.services?.environment?.PORT}/.well-known/jwks.json`);
      } else if (config.server.role === 'services') {
        expect(ports).toEqual([`${config.http.port}/tcp`]);
      } else {
        expect(ports).toEqual([]);
        expect(existsSync(join(DEPLOY_DIR, '..', config.lobby.game ?? '', 'index.ts')), config.lobby.game).toBe(true);
        expect(graceMsOf(service)).toBeGreaterThanOrEqual(config.lobby.drainTimeoutMs + config.lobby.settleWaitMs + 10_000);
      }
    });
  }
});
