/**
 * The Kubernetes manifests in deploy/k8s/: every object valid against the Kubernetes API's
 * schemas, and what running the engine there needs: the gate's three client ports behind its
 * Service, probes on /health and /ready, resource requests, a lobby drain that fits in its grace
 * period, and Secrets and ConfigMaps that exist for every reference to them.
 */
import { describe, expect, it } from 'vitest';
import { container, find, readManifests, schemaErrors, workloads, type K8sObject } from './k8s-manifests.js';

const objects = readManifests();
const all = workloads(objects);

describe('the Kubernetes manifests', () => {
  it('hold a gate, a lobby and a services workload, a ConfigMap and the Secrets', () => {
    expect(all.map((w) => w.object.metadata.name).sort()).toEqual(['tessera-gate', 'tessera-lobby', 'tessera-services']);
    expect(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name)).toEqual(['tessera']);
    expect(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name).sort()).toEqual(['tessera-cluster', 'tessera-keys']);
  });

  it('are valid against the Kubernetes API schemas', () => {
    expect(objects.flatMap(schemaErrors)).toEqual([]);
  });

  it('has a schema check that rejects what the API server would', () => {
    const gate = structuredClone(find(objects, 'Deployment', 'tessera-gate'));
    const pod = (gate.spec as { template: { spec: { containers: Array<{ ports: Array<{ containerPort: unknown }> }> } } }).template.spec;
    pod.containers[0]!.ports[0]!.containerPort = 'tcp';
    expect(schemaErrors(gate)).toEqual([expect.stringContaining('containerPort must be integer')]);
    expect(schemaErrors({ ...gate, kind: 'Ingres' })).toEqual([expect.stringContaining('not a kind the manifests may hold')]);
  });

  it('puts the gate behind a Service with its TCP, WebSocket and KCP (UDP) ports', () => {
    const gate = container(all.find((w) => w.object.metadata.name === 'tessera-gate')!, 'gate');
    const service = find(objects, 'Service', 'tessera-gate');
    const ports = (service.spec as { ports: Array<{ name: string; targetPort: string; protocol: string }> }).ports;
    expect(ports.map((p) => `${p.name}/${p.protocol}`)).toEqual(['tcp/TCP', 'ws/TCP', 'kcp/UDP']);
    for (const port of ports) {
      expect(gate.ports?.find((p) => p.name === port.targetPort)?.protocol, port.name).toBe(port.protocol);
    }
  });

  it('points every Service at pods that exist and at ports they name', () => {
    for (const service of objects.filter((o) => o.kind === 'Service')) {
      const spec = service.spec as { selector: Record<string, string>; ports: Array<{ targetPort: string }> };
      const matching = all.filter((w) => Object.entries(spec.selector).every(([k, v]) => labelsOf(w.object)[k] === v));
      expect(matching.length, service.where).toBe(1);
      const named = matching[0]!.pod.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name));
      for (const port of spec.ports) expect(named, service.where).toContain(port.targetPort);
    }
  });

  it('probes every container on /health (liveness, start-up) and /ready (readiness) of its HTTP port', () => {
    for (const { object, pod } of all) {
      for (const c of pod.containers) {
        const where = `${object.where} ${c.name}`;
        expect(c.livenessProbe?.httpGet, where).toMatchObject({ path: '/health', port: 'http' });
        expect(c.startupProbe?.httpGet, where).toMatchObject({ path: '/health', port: 'http' });
        expect(c.readinessProbe?.httpGet, where).toMatchObject({ path: '/ready', port: 'http' });
        expect(c.ports?.some((p) => p.name === 'http'), where).toBe(true);
      }
    }
  });

  it('requests CPU and memory for every container and caps its memory', () => {
    for (const { object, pod } of all) {
      for (const c of pod.containers) {
        expect(Object.keys(c.resources?.requests ?? {}).sort(), object.where).toEqual(['cpu', 'memory']);
        expect(c.resources?.limits?.memory, object.where).toBeDefined();
      }
    }
  });

  it('runs every pod as a non-root user', () => {
    for (const { object, pod } of all) {
      expect(pod.securityContext?.runAsNonRoot, object.where).toBe(true);
      expect(pod.securityContext?.runAsUser, object.where).not.toBe(0);
    }
  });

  it('drains a lobby on preStop within a grace period that covers lobby.drainTimeoutMs and settleWaitMs', () => {
    const lobby = all.find((w) => w.object.metadata.name === 'tessera-lobby')!;
    const hook = container(lobby, 'lobby').lifecycle?.preStop?.exec?.command?.join(' ') ?? '';
    expect(hook).toMatch(/kill -TERM 1/);
    const data = find(objects, 'ConfigMap', 'tessera').data as Record<string, string>;
    const drainMs = Number(data.TESSERA_LOBBY__DRAIN_TIMEOUT_MS) + Number(data.TESSERA_LOBBY__SETTLE_WAIT_MS);
    expect(drainMs).toBeGreaterThan(0);
    expect((lobby.pod.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThanOrEqual(drainMs + 10_000);
  });

  it('names only Secrets, keys and ConfigMaps that the manifests hold', () => {
    const secretKeys = new Map(objects.filter((o) => o.kind === 'Secret').map((o) =>
      [o.metadata.name, new Set(Object.keys(o.stringData as Record<string, string>))]));
    for (const { object, pod } of all) {
      for (const c of pod.containers) {
        for (const v of c.env ?? []) {
          const ref = v.valueFrom?.secretKeyRef;
          if (ref) expect(secretKeys.get(ref.name ?? '')?.has(ref.key), `${object.where} ${v.name}`).toBe(true);
        }
        for (const from of c.envFrom ?? []) find(objects, 'ConfigMap', from.configMapRef?.name ?? '');
      }
      for (const volume of pod.volumes ?? []) {
        const keys = secretKeys.get(volume.secret?.secretName ?? '');
        expect(keys, `${object.where} volume ${volume.name}`).toBeDefined();
        for (const item of volume.secret?.items ?? []) expect(keys?.has(item.key), `${object.where} ${item.key}`).toBe(true);
      }
    }
  });
});

function labelsOf(workload: K8sObject): Record<string, string> {
  return (workload.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
}
