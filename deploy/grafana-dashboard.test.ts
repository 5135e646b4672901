/**
 * The Grafana dashboards in deploy/grafana/: what Grafana needs to import them (uid, title,
 * schema version, panels with ids, grid positions and Prometheus targets) and a layout without
 * overlaps, on a data source chosen at import.
 */
import { describe, expect, it } from 'vitest';
import { allPanels, dashboardQueries, deployFiles, readDashboard, type GrafanaPanel } from './deploy-queries.js';
import { metricNames } from './promql-metric-names.js';
import { parsePromQL, type PromQLNode } from './promql-syntax.js';

const PANEL_TYPES = new Set(['row', 'timeseries', 'stat', 'gauge', 'bargauge', 'table', 'heatmap', 'text']);
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

/**
 * The divisions of `expr` whose divisor can be zero: anything but a number or `clamp_min(...)`
 * (a stat panel shows a division by zero as NaN, where no traffic should read as 0).
 */
function unguardedDivisions(expr: string): string[] {
  const { text, top } = parsePromQL(expr);
  const unguarded: string[] = [];
  top.cursor().iterate((ref) => {
    if (ref.name !== 'BinaryExpr' || !ref.node.getChild('Div')) return;
    let divisor: PromQLNode = ref.node.lastChild!;
    while (divisor.name === 'ParenExpr') divisor = divisor.firstChild!;
    const clamped = divisor.name === 'FunctionCall' && divisor.getChild('FunctionIdentifier')?.firstChild?.name === 'ClampMin';
    if (!clamped && divisor.name !== 'NumberDurationLiteral') unguarded.push(text.slice(divisor.from, divisor.to));
  });
  return unguarded;
}

const overlap = (a: GrafanaPanel['gridPos'], b: GrafanaPanel['gridPos']): boolean =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

const files = deployFiles('grafana', '.json');

it('finds the dashboards', () => {
  expect(files).toContain('grafana/tessera.json');
});

describe.each(files)('%s', (file) => {
  const dashboard = readDashboard(file);
  const panels = allPanels(dashboard);

  it('has a uid, a title, a schema version Grafana 10 and later read, and panels', () => {
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
    expect(dashboard.title).not.toBe('');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(panels.length).toBeGreaterThan(0);
  });

  it('chooses its Prometheus data source with a variable, and filters by job and instance', () => {
    const variables = dashboard.templating.list;
    expect(variables.find((v) => v.name === 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(variables.filter((v) => v.type === 'query').map((v) => v.name)).toEqual(['job', 'instance']);
  });

  it('gives every panel a unique id, a known type, a title and a place on the 24-column grid', () => {
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const panel of panels) {
      expect(PANEL_TYPES.has(panel.type), `${panel.title}: type ${panel.type}`).toBe(true);
      expect(panel.title).not.toBe('');
      const { x, y, w, h } = panel.gridPos;
      expect([x, y, w, h].every(Number.isInteger), panel.title).toBe(true);
      expect(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 24, `${panel.title}: ${JSON.stringify(panel.gridPos)}`).toBe(true);
    }
  });

  it('lays its panels out without overlaps', () => {
    const overlaps = panels.flatMap((a, i) => panels.slice(i + 1).filter((b) => overlap(a.gridPos, b.gridPos)).map((b) => `${a.title} / ${b.title}`));
    expect(overlaps).toEqual([]);
  });

  it('queries the chosen data source from every panel, with distinct refIds and expressions Prometheus parses', () => {
    for (const panel of panels.filter((p) => p.type !== 'row' && p.type !== 'text')) {
      expect(panel.datasource, panel.title).toEqual(DATASOURCE);
      const targets = panel.targets ?? [];
      expect(targets.length, panel.title).toBeGreaterThan(0);
      expect(new Set(targets.map((t) => t.refId)).size, panel.title).toBe(targets.length);
      for (const target of targets) expect(target.datasource, panel.title).toEqual(DATASOURCE);
    }
    for (const { where, expr } of dashboardQueries(file, dashboard)) {
      expect(() => parsePromQL(expr), where).not.toThrow();
      expect(metricNames(expr).length, where).toBeGreaterThan(0);
    }
  });

  it('shows 0, not NaN, where a stat panel divides by a rate that can be zero', () => {
    const unguarded = panels.filter((p) => p.type === 'stat' || p.type === 'gauge')
      .flatMap((panel) => (panel.targets ?? []).flatMap((target) => unguardedDivisions(target.expr).map((divisor) => `${panel.title} › ${target.refId}: / ${divisor}`)));
    expect(unguarded).toEqual([]);
  });

  it('filters every panel query by the job and instance variables', () => {
    const unfiltered = dashboardQueries(file, dashboard)
      .filter((q) => !q.where.includes('› variable'))
      .filter((q) => !(q.expr.includes('job=~"$job"') && q.expr.includes('instance=~"$instance"')));
    expect(unfiltered).toEqual([]);
  });
});
