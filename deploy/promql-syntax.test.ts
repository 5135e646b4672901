import { describe, expect, it } from 'vitest';
import { deployQueries } from './deploy-queries.js';
import { parsePromQL } from './promql-syntax.js';

describe('parsePromQL', () => {
  it('parses every expression of the dashboards and alert rules in deploy/', () => {
    const queries = deployQueries();
    expect(queries.some((q) => q.where.startsWith('grafana/')) && queries.some((q) => q.where.startsWith('prometheus/'))).toBe(true);
    const refused = queries.flatMap(({ where, expr }) => {
      try {
        parsePromQL(expr);
        return [];
      } catch (error) {
        return [`${where}: ${(error as Error).message}`];
      }
    });
    expect(refused).toEqual([]);
  });

  it('refuses unbalanced parentheses, unknown functions and bad durations, with the place they go wrong', () => {
    expect(() => parsePromQL('sum(rate(x_total[5m])')).toThrow('not valid PromQL at line 1, column 22: the expression ends too early');
    expect(() => parsePromQL('sum(rate(x_total[5m])))')).toThrow(/not valid PromQL at line 1, column 23: unexpected "\)"/);
    expect(() => parsePromQL('rate_of(x_total[5m])')).toThrow('not valid PromQL at line 1, column 8: rate_of is not a PromQL function');
    expect(() => parsePromQL('rate(x_total[5q])')).toThrow(/not valid PromQL at line 1, column 15: unexpected "q\]\)"/);
  });

  it('shows the line of a multi-line expression that goes wrong, with a caret under the place', () => {
    expect(() => parsePromQL('a_total /\n  b_total{job="g"')).toThrow(/at line 2, column 18: .*\n {2}  b_total\{job="g"\n {2}( ){17}\^$/);
  });

  it('reads Grafana\'s global variables as values of their kind, and places errors in the expression as written', () => {
    expect(parsePromQL('rate(x_total{job=~"$job"}[$__rate_interval]) * ${__interval_ms}').text).toBe('rate(x_total{job=~"$job"}[1m]) * 15000');
    expect(() => parsePromQL('rate(x_total[$__rate_interval]) $job')).toThrow('not valid PromQL at line 1, column 33');
    expect(() => parsePromQL('rate(x_total[$undefined_variable])')).toThrow('not valid PromQL at line 1, column 14');
  });
});
