import { describe, expect, it } from 'vitest';
import { declaredTypes, metricNames, metricOf } from './promql-metric-names.js';

describe('metricNames', () => {
  it('reads a bare name and a name with label matchers', () => {
    expect(metricNames('up')).toEqual(['up']);
    expect(metricNames('tessera_gate_sessions{job="tessera-gate", instance=~"$instance"}')).toEqual(['tessera_gate_sessions']);
  });

  it('leaves out functions, aggregations, grouping clauses, ranges and numbers', () => {
    const expr = 'histogram_quantile(0.99, sum by (le, route) (rate(tessera_gate_request_duration_seconds_bucket{job=~"$job"}[$__rate_interval])))';
    expect(metricNames(expr)).toEqual(['tessera_gate_request_duration_seconds_bucket']);
    expect(metricNames('sum(rate(a_total[5m])) without (instance) > 1e3')).toEqual(['a_total']);
    expect(metricNames('topk(5, b) offset 1h')).toEqual(['b']);
  });

  it('reads both sides of binary operators and vector matching, once each', () => {
    const expr = 'sum by (job) (rate(x_total{outcome="error"}[5m])) / on (job) group_left sum by (job) (rate(x_total[5m])) > bool 0.05 and y unless x_total';
    expect(metricNames(expr)).toEqual(['x_total', 'y']);
  });

  it('ignores what strings and matchers hold, braces and keywords included', () => {
    expect(metricNames('label_replace(z{a="by (x) rate(q)"}, "dst", "$1", "src", "(.*)")')).toEqual(['z']);
    expect(metricNames('m{route=~"a{2}|b"} or on() vector(0)')).toEqual(['m']);
  });

  it('reads Grafana\'s global variables as values of their kind and a dashboard\'s own inside strings', () => {
    expect(metricNames('rate(c_total[$__rate_interval]) * $__interval_ms / ${__range_s} + rate(d_total{job=~"$job"}[${__interval}])')).toEqual(['c_total', 'd_total']);
  });

  it('reads names given inside the braces, quoted or as a __name__ matcher', () => {
    expect(metricNames('{"tessera.sessions", job="g"} + {__name__="a_total"} + {"__name__"=\'b_total\'} + {"c\\"q"} + {\'d\\\'q\'} + {`e\\q`}')).toEqual(['tessera.sessions', 'a_total', 'b_total', 'c"q', "d'q", 'e\\q']);
  });

  it('refuses a selector that picks metrics by a pattern', () => {
    expect(() => metricNames('sum({__name__=~"tessera_.*"})')).toThrow(/\{__name__=~"tessera_\.\*"\} picks metrics by a pattern/);
    expect(() => metricNames('count({job="g"})')).toThrow(/picks metrics by a pattern/);
  });
});

describe('metricOf and declaredTypes', () => {
  const exposition = [
    '# HELP h_seconds A histogram.',
    '# TYPE h_seconds histogram',
    'h_seconds_bucket{le="+Inf"} 0',
    '# HELP c_total A counter.',
    '# TYPE c_total counter',
    '# HELP g_count A gauge named like a count.',
    '# TYPE g_count gauge',
    'g_count 3',
  ].join('\n');
  const types = declaredTypes(exposition);

  it('reads the declared metrics, those without samples included', () => {
    expect([...types]).toEqual([['h_seconds', 'histogram'], ['c_total', 'counter'], ['g_count', 'gauge']]);
  });

  it('maps a histogram\'s series to the histogram and leaves other names alone', () => {
    expect(['h_seconds_bucket', 'h_seconds_sum', 'h_seconds_count', 'h_seconds'].map((s) => metricOf(s, types))).toEqual(['h_seconds', 'h_seconds', 'h_seconds', 'h_seconds']);
    expect(metricOf('c_total', types)).toBe('c_total');
    expect(metricOf('g_count', types)).toBe('g_count');
    expect(metricOf('c_total_count', types)).toBe('c_total_count');
    expect(metricOf('missing_sum', types)).toBe('missing_sum');
  });
});
