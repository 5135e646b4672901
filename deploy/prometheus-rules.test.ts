/**
 * The Prometheus files in deploy/prometheus/: alert rules with what Prometheus requires and what
 * an operator needs (severity, summary, description, a runbook section in docs/operations.md),
 * and a scrape configuration that loads the rules and has the jobs they select.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPLOY_DIR, deployFiles, isRuleFile, readYaml, type RuleFile } from './deploy-queries.js';
import { OPERATIONS_DOC } from './documented-metrics.js';

const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
const SEVERITIES = new Set(['critical', 'warning', 'info']);

interface ScrapeConfig {
  rule_files?: string[];
  scrape_configs: Array<{ job_name: string; metrics_path?: string; static_configs?: Array<{ targets: string[] }> }>;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string): string => heading.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');
const anchors = new Set([...readFileSync(OPERATIONS_DOC, 'utf8').matchAll(/^#+ (.+)$/gm)].map((m) => anchorOf(m[1]!)));

const files = deployFiles('prometheus', '.yml');
const docs = new Map(files.map((file) => [file, readYaml(file)]));
const ruleFiles = files.filter((file) => isRuleFile(docs.get(file)));
const configs = files.filter((file) => !isRuleFile(docs.get(file)));

it('finds the alert rules and the scrape configuration', () => {
  expect(ruleFiles).toEqual(['prometheus/alerts.yml']);
  expect(configs).toEqual(['prometheus/prometheus.yml']);
});

describe.each(ruleFiles)('%s', (file) => {
  const rules = docs.get(file) as RuleFile;
  const alerts = rules.groups.flatMap((g) => g.rules);
  const config = readYaml('prometheus/prometheus.yml') as ScrapeConfig;
  const jobs = config.scrape_configs.map((c) => c.job_name);

  it('holds named groups of alerting rules, each alert named once', () => {
    expect(rules.groups.length).toBeGreaterThan(0);
    expect(new Set(rules.groups.map((g) => g.name)).size).toBe(rules.groups.length);
    for (const group of rules.groups) expect(group.rules.length, group.name).toBeGreaterThan(0);
    expect(new Set(alerts.map((a) => a.alert)).size).toBe(alerts.length);
  });

  it('gives every alert an expression, a duration, a severity, a summary and a description', () => {
    for (const rule of alerts) {
      expect(Object.keys(rule).sort(), rule.alert).toEqual(['alert', 'annotations', 'expr', 'for', 'labels']);
      expect(rule.alert).toMatch(/^Tessera[A-Z]\w+$/);
      expect(rule.expr.trim(), rule.alert).not.toBe('');
      expect(rule.for, rule.alert).toMatch(DURATION);
      expect(SEVERITIES.has(rule.labels?.severity ?? ''), `${rule.alert}: severity ${rule.labels?.severity}`).toBe(true);
      expect(Object.keys(rule.annotations ?? {}).sort(), rule.alert).toEqual(['description', 'runbook', 'summary']);
    }
  });

  it('points every alert at its own section of docs/operations.md', () => {
    for (const rule of alerts) {
      expect(rule.annotations!.runbook).toBe(`docs/operations.md#${anchorOf(rule.alert)}`);
      expect(anchors.has(anchorOf(rule.alert)), `docs/operations.md has no heading ${rule.alert}`).toBe(true);
    }
  });

  it('covers a gate without heartbeats, tick overruns, a growing save queue, a lost lease and error rates', () => {
    const reads = (metric: string): string[] => alerts.filter((a) => a.expr.includes(metric)).map((a) => a.alert);
    expect(reads('up{job="tessera-gate"}')).toEqual(['TesseraGateDown']);
    expect(reads('tessera_discovery_lease_renewals_total{job="tessera-gate"}')).toEqual(['TesseraGateNoHeartbeat']);
    expect(reads('tessera_lobby_tick_overruns_total')).toEqual(['TesseraTickOverruns']);
    expect(reads('tessera_lobby_save_queue')).toEqual(['TesseraSaveQueueGrowing']);
    expect(reads('tessera_discovery_lease_losses_total')).toEqual(['TesseraLeaseLost']);
    expect(reads('tessera_gate_requests_total{outcome="error"}')).toEqual(['TesseraRequestErrorRate']);
    expect(reads('tessera_rpc_errors_total')).toEqual(['TesseraRpcErrorRate']);
  });

  it('selects only jobs the scrape configuration has', () => {
    for (const rule of alerts) {
      for (const [, op, value] of rule.expr.matchAll(/\bjob\s*(=~|=)\s*"([^"]*)"/g)) {
        const matches = op === '=' ? jobs.filter((j) => j === value) : jobs.filter((j) => new RegExp(`^(?:${value})$`).test(j));
        expect(matches.length, `${rule.alert}: job${op}"${value}"`).toBeGreaterThan(0);
      }
    }
  });
});

describe('prometheus/prometheus.yml', () => {
  const config = readYaml('prometheus/prometheus.yml') as ScrapeConfig;

  it('loads the alert rules beside it', () => {
    expect(config.rule_files).toEqual(['alerts.yml']);
    for (const file of config.rule_files!) expect(existsSync(join(DEPLOY_DIR, 'prometheus', file))).toBe(true);
  });

  it('scrapes /metrics of each role under the job names the rules and the dashboard use', () => {
    const jobs = config.scrape_configs.map((c) => c.job_name);
    expect(new Set(jobs).size).toBe(jobs.length);
    expect(jobs).toEqual(expect.arrayContaining(['tessera-gate', 'tessera-lobby', 'tessera-services']));
    for (const scrape of config.scrape_configs) {
      expect(scrape.job_name).toMatch(/^tessera-/);
      expect(scrape.metrics_path ?? '/metrics').toBe('/metrics');
      expect(scrape.static_configs?.flatMap((s) => s.targets).every((t) => /^[\w.-]+:\d+$/.test(t)), scrape.job_name).toBe(true);
    }
  });
});
