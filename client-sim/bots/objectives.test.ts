import { describe, expect, it } from 'vitest';
import { describeObjective, evaluateObjectives, failuresBesides, objectiveFailures, type ObjectiveInputs } from './objectives.js';
import type { RouteSummary } from './run-summary.js';
import type { Objective } from './scenario.js';

const route = (over: Partial<RouteSummary>): RouteSummary => ({ count: 1000, errors: 0, perSecond: 50, mean: 10, p50: 8, p90: 20, p99: 40, p999: 90, max: 120, histogram: [], ...over });

const inputs: ObjectiveInputs = {
  routes: { 'Controls.move': route({ errors: 20, perSecond: 80 }), 'Shop.buy': route({ count: 100, errors: 0, perSecond: 5 }) },
  totals: { requests: 1100, errorRate: 20 / 1100, requestsPerSecond: 85 },
  checks: { 'hero seen': { pass: 99, fail: 1 }, 'bought': { pass: 50, fail: 0 } },
  percentile: (name, p) => (name === 'Controls.move' ? p : NaN),
};

const judge = (objective: Objective) => evaluateObjectives([objective], inputs)[0]!;

describe('describeObjective', () => {
  it('puts each kind in words', () => {
    expect(describeObjective({ kind: 'latency', route: 'Controls.move', percentile: 99, belowMs: 50 })).toBe('p99 of Controls.move < 50 ms');
    expect(describeObjective({ kind: 'errorRate', below: 0.001 })).toBe('error rate < 0.1%');
    expect(describeObjective({ kind: 'errorRate', route: 'Shop.buy', below: 0.01 })).toBe('error rate of Shop.buy < 1%');
    expect(describeObjective({ kind: 'checks', atLeast: 1 })).toBe('checks pass >= 100%');
    expect(describeObjective({ kind: 'checks', name: 'hero seen', atLeast: 0.99 })).toBe('check "hero seen" passes >= 99%');
    expect(describeObjective({ kind: 'throughput', atLeast: 100 })).toBe('throughput >= 100 requests/s');
    expect(describeObjective({ kind: 'throughput', route: 'Shop.buy', atLeast: 2.5 })).toBe('throughput of Shop.buy >= 2.5 requests/s');
  });
});

describe('evaluateObjectives', () => {
  it('judges latency by the percentile of the route, strictly below', () => {
    expect(judge({ kind: 'latency', route: 'Controls.move', percentile: 99, belowMs: 100 })).toMatchObject({ actual: 99, passed: true });
    expect(judge({ kind: 'latency', route: 'Controls.move', percentile: 99, belowMs: 99 })).toMatchObject({ actual: 99, passed: false });
  });

  it('judges the error rate of the run or of a route, strictly below', () => {
    expect(judge({ kind: 'errorRate', below: 0.02 })).toMatchObject({ actual: 20 / 1100, passed: true });
    expect(judge({ kind: 'errorRate', route: 'Controls.move', below: 0.02 })).toMatchObject({ actual: 0.02, passed: false });
    expect(judge({ kind: 'errorRate', route: 'Shop.buy', below: 0.001 })).toMatchObject({ actual: 0, passed: true });
  });

  it('judges the pass rate of one check or of all, at least', () => {
    expect(judge({ kind: 'checks', name: 'hero seen', atLeast: 0.99 })).toMatchObject({ actual: 0.99, passed: true });
    expect(judge({ kind: 'checks', atLeast: 1 })).toMatchObject({ actual: 149 / 150, passed: false });
  });

  it('judges the throughput of the run or of a route, at least', () => {
    expect(judge({ kind: 'throughput', atLeast: 85 })).toMatchObject({ actual: 85, passed: true });
    expect(judge({ kind: 'throughput', route: 'Shop.buy', atLeast: 6 })).toMatchObject({ actual: 5, passed: false });
  });

  it('fails an objective on which nothing was measured, with NaN', () => {
    const unmeasured: Objective[] = [
      { kind: 'latency', route: 'Shop.buy', percentile: 99, belowMs: 1_000 },
      { kind: 'errorRate', route: 'Nothing.here', below: 1 },
      { kind: 'checks', name: 'never checked', atLeast: 0 },
      { kind: 'throughput', route: 'Nothing.here', atLeast: 0 },
    ];
    for (const result of evaluateObjectives(unmeasured, inputs)) expect([result.actual, result.passed]).toEqual([NaN, false]);
    const idle = evaluateObjectives([{ kind: 'errorRate', below: 1 }, { kind: 'checks', atLeast: 0 }], { ...inputs, totals: { requests: 0, errorRate: 0, requestsPerSecond: 0 }, checks: {} });
    expect(idle.map((r) => r.passed)).toEqual([false, false]);
  });
});

describe('objectiveFailures', () => {
  it('lists failed objectives with what was measured, and every failed check no checks objective covers', () => {
    const results = evaluateObjectives(
      [
        { kind: 'latency', route: 'Controls.move', percentile: 99, belowMs: 50 },
        { kind: 'errorRate', below: 0.001 },
        { kind: 'throughput', route: 'Nothing.here', atLeast: 1 },
      ],
      inputs,
    );
    expect(objectiveFailures(results, inputs.checks)).toEqual([
      'objective p99 of Controls.move < 50 ms: measured 99 ms',
      'objective error rate < 0.1%: measured 1.82%',
      'objective throughput of Nothing.here >= 1 requests/s: nothing was measured',
      'check "hero seen" failed 1 of 100 times',
    ]);
  });

  it('leaves a failed check to the checks objective that names it, or to one over every check', () => {
    const named = evaluateObjectives([{ kind: 'checks', name: 'hero seen', atLeast: 0.9 }], inputs);
    expect(objectiveFailures(named, inputs.checks)).toEqual([]);
    const all = evaluateObjectives([{ kind: 'checks', atLeast: 0.999 }], inputs);
    expect(objectiveFailures(all, inputs.checks)).toEqual(['objective checks pass >= 99.9%: measured 99.3%']);
  });

  it('leaves out the failed objectives of the kinds named, and keeps every other reason', () => {
    const objectives = evaluateObjectives(
      [
        { kind: 'latency', route: 'Controls.move', percentile: 99, belowMs: 10 },
        { kind: 'errorRate', route: 'Controls.move', below: 0.001 },
      ],
      inputs,
    );
    const failures = ['the run was interrupted', ...objectiveFailures(objectives, inputs.checks), 'worker 1 did not end within 10000 ms of the stop and was terminated'];
    expect(failuresBesides({ failures, objectives }, ['latency'])).toEqual([
      'the run was interrupted',
      'objective error rate of Controls.move < 0.1%: measured 2%',
      'check "hero seen" failed 1 of 100 times',
      'worker 1 did not end within 10000 ms of the stop and was terminated',
    ]);
    expect(failuresBesides({ failures, objectives }, [])).toEqual(failures);
  });
});
