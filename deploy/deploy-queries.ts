/**
 * The PromQL expressions of the dashboards and alert rules in deploy/, each with the place it
 * comes from, and the metrics they read: what deploy/*.test.ts check against the documentation
 * and against what a running server serves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { metricNames } from './promql-metric-names.js';

/** The deploy/ folder. */
export const DEPLOY_DIR = fileURLToPath(new URL('.', import.meta.url));

/** Series Prometheus makes itself for every target; no server serves them. */
export const PROMETHEUS_SERIES: ReadonlySet<string> = new Set(['up']);

/** One PromQL expression and where it stands, e.g. `grafana/tessera.json › panel "Sessions" › A`. */
export interface DeployQuery {
  where: string;
  expr: string;
}

/** A Grafana dashboard, as far as the tests read it. */
export interface GrafanaDashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: GrafanaPanel[];
  templating: { list: Array<{ name: string; type: string; query?: string | { query: string } }> };
}

/** A panel of a {@link GrafanaDashboard}. */
export interface GrafanaPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Array<{ refId: string; expr: string; datasource?: { type: string; uid: string } }>;
  panels?: GrafanaPanel[];
}

/** A Prometheus rule file, as far as the tests read it. */
export interface RuleFile {
  groups: Array<{ name: string; rules: AlertRule[] }>;
}

/** An alerting rule. */
export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The files of `dir` (under deploy/) whose names end with `ext`, paths relative to deploy/. */
export function deployFiles(dir: string, ext: string): string[] {
  return readdirSync(join(DEPLOY_DIR, dir)).filter((name) => name.endsWith(ext)).sort().map((name) => `${dir}/${name}`);
}

/** The dashboard at `file` (relative to deploy/). */
export function readDashboard(file: string): GrafanaDashboard {
  return JSON.parse(readFileSync(join(DEPLOY_DIR, file), 'utf8')) as GrafanaDashboard;
}

/** The YAML document at `file` (relative to deploy/). */
export function readYaml(file: string): unknown {
  return parse(readFileSync(join(DEPLOY_DIR, file), 'utf8'));
}

/** Whether a parsed YAML document is a rule file (it has `groups`), not a server configuration. */
export function isRuleFile(doc: unknown): doc is RuleFile {
  return typeof doc === 'object' && doc !== null && 'groups' in doc;
}

/** Every panel of a dashboard, those inside collapsed rows included. */
export function allPanels(dashboard: GrafanaDashboard): GrafanaPanel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/** The expressions of a dashboard's panels and of its query variables (`label_values(<selector>, <label>)` read as its selector). */
export function dashboardQueries(file: string, dashboard: GrafanaDashboard): DeployQuery[] {
  const panels = allPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ where: `${file} › panel "${panel.title}" › ${target.refId}`, expr: target.expr })));
  const variables = dashboard.templating.list.filter((v) => v.type === 'query').map((v) => {
    const query = typeof v.query === 'string' ? v.query : v.query?.query ?? '';
    return { where: `${file} › variable ${v.name}`, expr: query.replace(/^label_values\((.*),\s*\w+\)$/s, '$1') };
  });
  return [...panels, ...variables];
}

/** The expressions of a rule file's rules. */
export function ruleQueries(file: string, rules: RuleFile): DeployQuery[] {
  return rules.groups.flatMap((group) => group.rules.map((rule) => ({ where: `${file} › ${group.name} › ${rule.alert}`, expr: rule.expr })));
}

/** Every expression of every dashboard (grafana/*.json) and rule file (prometheus/*.yml) in deploy/. */
export function deployQueries(): DeployQuery[] {
  const dashboards = deployFiles('grafana', '.json').flatMap((file) => dashboardQueries(file, readDashboard(file)));
  const rules = deployFiles('prometheus', '.yml').flatMap((file) => {
    const doc = readYaml(file);
    return isRuleFile(doc) ? ruleQueries(file, doc) : [];
  });
  return [...dashboards, ...rules];
}

/** The metric names `queries` read, each with the places that read it, Prometheus's own series left out. */
export function metricsRead(queries: DeployQuery[]): Map<string, string[]> {
  const read = new Map<string, string[]>();
  for (const { where, expr } of queries) {
    for (const name of metricNames(expr)) {
      if (PROMETHEUS_SERIES.has(name)) continue;
      read.set(name, [...(read.get(name) ?? []), where]);
    }
  }
  return read;
}
