/**
 * Judging a run: each objective of the scenario against what was measured, and the default rule
 * that every check must pass unless a `checks` objective sets its own bar.
 */
import type { ObjectiveResult, RouteSummary, RunSummary } from './run-summary.js';
import type { Objective } from './scenario.js';

/** What objectives are judged on. */
export interface ObjectiveInputs {
  routes: Record<string, RouteSummary>;
  totals: Pick<RunSummary['totals'], 'requests' | 'errorRate' | 'requestsPerSecond'>;
  checks: Record<string, { pass: number; fail: number }>;
  /** The `percentile` (0 to 100) of `route`'s latency over the run in ms; NaN when nothing was measured. */
  percentile(route: string, percentile: number): number;
}

/** An objective in words, e.g. `p99 of Controls.move < 50 ms`, `error rate < 0.1%`. */
export function describeObjective(objective: Objective): string {
  switch (objective.kind) {
    case 'latency':
      return `p${objective.percentile} of ${objective.route} < ${objective.belowMs} ms`;
    case 'errorRate':
      return `error rate${objective.route === undefined ? '' : ` of ${objective.route}`} < ${percent(objective.below)}`;
    case 'checks':
      return `${objective.name === undefined ? 'checks pass' : `check "${objective.name}" passes`} >= ${percent(objective.atLeast)}`;
    case 'throughput':
      return `throughput${objective.route === undefined ? '' : ` of ${objective.route}`} >= ${objective.atLeast} requests/s`;
  }
}

/**
 * Each objective with its measured value and outcome. Nothing measured (no request on the route,
 * no check of the name) fails the objective, with `actual` NaN.
 */
export function evaluateObjectives(objectives: readonly Objective[], inputs: ObjectiveInputs): ObjectiveResult[] {
  return objectives.map((objective) => {
    const actual = measure(objective, inputs);
    return { objective, description: describeObjective(objective), actual, passed: Number.isFinite(actual) && meets(objective, actual) };
  });
}

/**
 * Why the run did not pass, one line each: the failed objectives with what was measured, and every
 * check that failed at least once when no `checks` objective (of its name, or of every check) covers it.
 */
export function objectiveFailures(results: readonly ObjectiveResult[], checks: Record<string, { pass: number; fail: number }>): string[] {
  const failures = results.filter((r) => !r.passed).map((r) => `objective ${r.description}: ${measured(r)}`);
  const coversAll = results.some((r) => r.objective.kind === 'checks' && r.objective.name === undefined);
  const covered = new Set(results.flatMap((r) => (r.objective.kind === 'checks' && r.objective.name !== undefined ? [r.objective.name] : [])));
  if (!coversAll) {
    for (const [name, { pass, fail }] of Object.entries(checks)) {
      if (fail > 0 && !covered.has(name)) failures.push(`check "${name}" failed ${fail} of ${pass + fail} times`);
    }
  }
  return failures;
}

/**
 * The reasons a run did not pass, leaving out its failed objectives of `kinds`: for a CI run on a
 * shared machine that judges latency in its report but must not fail on it (tests never assert
 * timings), `failuresBesides(summary, ['latency'])` must be empty.
 */
export function failuresBesides(summary: Pick<RunSummary, 'failures' | 'objectives'>, kinds: readonly Objective['kind'][]): string[] {
  const left = new Set(objectiveFailures(summary.objectives.filter((r) => kinds.includes(r.objective.kind)), {}));
  return summary.failures.filter((line) => !left.has(line));
}

function measure(objective: Objective, inputs: ObjectiveInputs): number {
  switch (objective.kind) {
    case 'latency':
      return inputs.percentile(objective.route, objective.percentile);
    case 'errorRate': {
      if (objective.route === undefined) return inputs.totals.requests > 0 ? inputs.totals.errorRate : NaN;
      const route = inputs.routes[objective.route];
      return route && route.count > 0 ? route.errors / route.count : NaN;
    }
    case 'checks': {
      const counts = objective.name === undefined ? Object.values(inputs.checks) : [inputs.checks[objective.name]].filter((c) => c !== undefined);
      let pass = 0;
      let all = 0;
      for (const c of counts) {
        pass += c.pass;
        all += c.pass + c.fail;
      }
      return all > 0 ? pass / all : NaN;
    }
    case 'throughput':
      return objective.route === undefined ? inputs.totals.requestsPerSecond : (inputs.routes[objective.route]?.perSecond ?? NaN);
  }
}

function meets(objective: Objective, actual: number): boolean {
  switch (objective.kind) {
    case 'latency':
      return actual < objective.belowMs;
    case 'errorRate':
      return actual < objective.below;
    case 'checks':
    case 'throughput':
      return actual >= objective.atLeast;
  }
}

function measured(result: ObjectiveResult): string {
  if (!Number.isFinite(result.actual)) return 'nothing was measured';
  switch (result.objective.kind) {
    case 'latency':
      return `measured ${round(result.actual)} ms`;
    case 'errorRate':
    case 'checks':
      return `measured ${percent(result.actual)}`;
    case 'throughput':
      return `measured ${round(result.actual)} requests/s`;
  }
}

/** A fraction as a percentage, e.g. 0.001 as `0.1%`. */
function percent(fraction: number): string {
  return `${round(fraction * 100)}%`;
}

/** At most 3 significant digits after the point, without trailing zeros. */
function round(value: number): string {
  return String(Number(value.toPrecision(Math.max(3, Math.ceil(Math.log10(Math.abs(value) + 1))))));
}
