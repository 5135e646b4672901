/**
 * The configuration a deployed process ends up with: the environment and arguments that a
 * Kubernetes container or a compose service gives it, loaded with the shipped config/ files the
 * way main.ts loads them in the image (working directory /app, which holds config/).
 */
import { join } from 'node:path';
import { loadConfig, type Config } from '../engine/config/index.js';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { DEPLOY_DIR } from './deploy-queries.js';
import type { K8sObject } from './k8s-manifests.js';

/** Stands in for the pod's IP where a manifest reads `status.podIP`. */
export const SAMPLE_POD_IP = '10.1.2.3';

/** Stands in for every secret value: long enough for `rpc.secret` (32 bytes at least). */
export const SAMPLE_SECRET = 'a-sample-cluster-secret-that-is-long-enough-0123';

/**
 * The environment a container starts with: its ConfigMaps (`envFrom`), then its own `env`, a
 * value from the downward API as {@link SAMPLE_POD_IP} and one from a Secret as {@link SAMPLE_SECRET}.
 *
 * @throws when a ConfigMap it names is not among `objects`.
 */
export function containerEnv(objects: readonly K8sObject[], c: IContainer): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    const name = from.configMapRef?.name;
    if (name === undefined) continue;
    const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
    if (!map) throw new Error(`container ${c.name} reads ConfigMap ${name}, which deploy/k8s does not hold`);
    Object.assign(env, map.data as Record<string, string>);
  }
  for (const variable of c.env ?? []) {
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (variable.valueFrom?.fieldRef) env[variable.name] = SAMPLE_POD_IP;
    else if (variable.valueFrom?.secretKeyRef) env[variable.name] = SAMPLE_SECRET;
  }
  return env;
}

/**
 * Loads the configuration as the image's entry point would, from the repository's config/.
 *
 * @throws {ConfigError} when the settings do not make a valid configuration.
 */
export function loadDeployedConfig(env: Record<string, string>, argv: readonly string[]): Config {
  return loadConfig({ env, argv, configDir: join(DEPLOY_DIR, '..', 'config') });
}
