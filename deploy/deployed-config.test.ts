/**
 * The settings the deployment files give each process make a valid configuration with the
 * shipped config/ files, and agree with the ports the files publish: a typo in an environment
 * variable or a port that moved fails here, not at a rollout.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { container, readManifests, workloads } from './k8s-manifests.js';
import { containerEnv, loadDeployedConfig, SAMPLE_POD_IP } from './deployed-config.js';
import { DEPLOY_DIR } from './deploy-queries.js';

const objects = readManifests();

describe('the configuration of a Kubernetes pod', () => {
  for (const workload of workloads(objects)) {
    for (const c of workload.pod.containers) {
      it(`${workload.object.metadata.name}: ${c.name} starts with a valid configuration on the ports it declares`, () => {
        const config = loadDeployedConfig(containerEnv(objects, c), c.args ?? []);
        expect(config.server.role).toBe(c.name);
        expect(config.server.host).toBe(SAMPLE_POD_IP);
        expect(config.http.host).toBe('0.0.0.0');
        const port = (name: string) => c.ports?.find((p) => p.name === name)?.containerPort;
        expect(config.http.port).toBe(port('http'));
        expect(config.rpc.port).toBe(port('rpc'));
        if (config.server.role === 'gate') {
          expect([config.gate.tcpPort, config.gate.wsPort, config.gate.kcpPort]).toEqual([port('tcp'), port('ws'), port('kcp')]);
          expect(config.gate.host).toBe('0.0.0.0');
        }
      });
    }
  }

  it('gives the lobby the drain timeouts of the ConfigMap', () => {
    const lobby = workloads(objects).find((w) => w.object.metadata.name === 'tessera-lobby')!;
    const c = container(lobby, 'lobby');
    const config = loadDeployedConfig(containerEnv(objects, c), c.args ?? []);
    expect([config.lobby.drainTimeoutMs, config.lobby.settleWaitMs]).toEqual([30_000, 10_000]);
  });

  it('gives a gate the time to pause on preStop and move its clients before it is killed', () => {
    const gate = workloads(objects).find((w) => w.object.metadata.name === 'tessera-gate')!;
    const c = container(gate, 'gate');
    const config = loadDeployedConfig(containerEnv(objects, c), c.args ?? []);
    const [sleep, seconds] = c.lifecycle?.preStop?.exec?.command ?? [];
    expect(sleep).toBe('sleep');
    const graceMs = (gate.pod.terminationGracePeriodSeconds ?? 30) * 1000;
    expect(graceMs).toBeGreaterThanOrEqual(Number(seconds) * 1000 + config.gate.drainMoveMs + 10_000);
  });

  it('runs a game the build holds', () => {
    const lobby = workloads(objects).find((w) => w.object.metadata.name === 'tessera-lobby')!;
    const c = container(lobby, 'lobby');
    const game = loadDeployedConfig(containerEnv(objects, c), c.args ?? []).lobby.game ?? '';
    expect(existsSync(join(DEPLOY_DIR, '..', game, 'index.ts')), game).toBe(true);
  });

  it('reads the signing keys from where the Secret is mounted', () => {
    for (const workload of workloads(objects)) {
      for (const c of workload.pod.containers) {
        const config = loadDeployedConfig(containerEnv(objects, c), c.args ?? []);
        const mounted = (c.volumeMounts ?? []).map((m) => m.mountPath);
        const paths = [config.auth.publicKeyPath, config.login.privateKeyPath, config.login.publicKeyPath,
          config.server.role === 'gate' ? config.gate.identityKeyPath : undefined].filter((p) => p !== undefined);
        for (const path of paths) expect(mounted.some((m) => path.startsWith(`${m}/`)), `${c.name}: ${path}`).toBe(true);
      }
    }
  });
});
