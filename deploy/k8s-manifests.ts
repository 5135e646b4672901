/**
 * The Kubernetes manifests in deploy/k8s/, read as the API server would take them, and checked
 * against the Kubernetes API's JSON schemas (kubernetes-models, which bundles the schemas of the
 * API's OpenAPI document and validates with ajv): what deploy/k8s-manifests.test.ts and
 * deploy/deployed-config.test.ts read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { DEPLOY_DIR } from './deploy-queries.js';

/** The folder of the manifests. */
export const K8S_DIR = join(DEPLOY_DIR, 'k8s');

/** One object of a manifest file, with the file it stands in, e.g. `gate.yaml #2`. */
export interface K8sObject {
  where: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** A model class of kubernetes-models: built from an object, `validate()` throws on a schema error. */
type ModelClass = new (data: never) => { validate(): void };

/** The kinds the manifests may hold, by `apiVersion/kind`; any other is an error. */
const MODELS: Readonly<Record<string, ModelClass>> = {
  'apps/v1/Deployment': Deployment,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

/**
 * Reads every object of every `.yaml` file in `dir`.
 *
 * @throws when a file is not valid YAML or an object has no apiVersion, kind or name.
 */
export function readManifests(dir: string = K8S_DIR): K8sObject[] {
  return readdirSync(dir).filter((file) => file.endsWith('.yaml')).sort().flatMap((file) =>
    parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc, i) => {
      if (doc.errors.length > 0) throw new Error(`${file} #${i + 1}: ${doc.errors[0]?.message}`);
      const object = doc.toJS() as K8sObject;
      if (!object?.apiVersion || !object.kind || !object.metadata?.name) {
        throw new Error(`${file} #${i + 1}: an object needs apiVersion, kind and metadata.name`);
      }
      return { ...object, where: `${file} #${i + 1}` };
    }));
}

/**
 * Checks one object against the schema of its kind.
 *
 * @returns the schema errors, empty when the object is valid, or a line saying the kind is not
 *   one the manifests may hold.
 */
export function schemaErrors(object: K8sObject): string[] {
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) return [`${object.where}: ${object.apiVersion} ${object.kind} is not a kind the manifests may hold`];
  const { where: _where, ...data } = object;
  try {
    new Model(data as never).validate();
    return [];
  } catch (err) {
    return [`${object.where}: ${(err as Error).message}`];
  }
}

/** A workload's pod template, as the tests read it. */
export interface Workload {
  object: K8sObject;
  pod: IPodSpec;
}

/** The Deployments among `objects`, with their pod specs. */
export function workloads(objects: readonly K8sObject[]): Workload[] {
  return objects.filter((o) => o.kind === 'Deployment').map((object) => ({
    object,
    pod: (object.spec as { template: { spec: IPodSpec } }).template.spec,
  }));
}

/** The object of `kind` named `name`; throws when there is none. */
export function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/k8s`);
  return found;
}

/** The container named `name` of a workload; throws when there is none. */
export function container(workload: Workload, name: string): IContainer {
  const found = workload.pod.containers.find((c) => c.name === name);
  if (!found) throw new Error(`${workload.object.where}: no container ${name}`);
  return found;
}
