/**
 * PromQL as Prometheus reads it: the expressions of the dashboards and alert rules in deploy/
 * parsed with Prometheus's own grammar (the one its web UI uses), so an expression accepted here
 * is one Prometheus accepts, and one it rejects fails with the place it goes wrong.
 */
import { parser } from '@prometheus-io/lezer-promql';

/** A node of a parsed expression's syntax tree. */
export type PromQLNode = ReturnType<typeof parser.parse>['topNode'];

/**
 * What Grafana puts in place of its global variables before a query reaches Prometheus, as far as
 * parsing is concerned: a duration for the intervals, a number for the millisecond and second forms.
 * A dashboard's own variables (`$job`) stand inside label matchers' strings, where any text parses.
 */
const GRAFANA_GLOBALS: Readonly<Record<string, string>> = {
  __rate_interval: '1m',
  __interval: '15s',
  __range: '1h',
  __rate_interval_ms: '60000',
  __interval_ms: '15000',
  __range_ms: '3600000',
  __range_s: '3600',
};

/** An expression with Grafana's global variables replaced, and where each replacement stands. */
interface Substituted {
  text: string;
  /** For each replacement: where it starts in `text`, its length there, and the variable's length in the original. */
  spans: Array<{ at: number; length: number; original: number }>;
}

/** `expr` with `$__rate_interval`, `${__interval}` and the other Grafana globals replaced by values of their kind. */
function substituteGrafanaGlobals(expr: string): Substituted {
  const spans: Substituted['spans'] = [];
  let shift = 0;
  const text = expr.replace(/\$(?:\{(\w+)\}|(\w+))/g, (variable: string, braced: string | undefined, bare: string | undefined, offset: number) => {
    const value = GRAFANA_GLOBALS[braced ?? bare!];
    if (value === undefined) return variable;
    spans.push({ at: offset + shift, length: value.length, original: variable.length });
    shift += value.length - variable.length;
    return value;
  });
  return { text, spans };
}

/** The offset in the original expression of `position` in the substituted one (a position inside a replacement maps to the variable's start). */
function originalPosition(position: number, { spans }: Substituted): number {
  let shift = 0;
  for (const span of spans) {
    if (position < span.at) break;
    if (position < span.at + span.length) return span.at - shift;
    shift += span.length - span.original;
  }
  return position - shift;
}

/** Why the text at `position` of `expr` does not parse, in words: a call of an unknown function is named as such. */
function describeError(expr: string, position: number): string {
  const before = /([a-zA-Z_:][\w:]*)\s*$/.exec(expr.slice(0, position));
  if (before && expr.slice(position).trimStart().startsWith('(')) return `${before[1]} is not a PromQL function`;
  return position >= expr.trimEnd().length ? 'the expression ends too early' : `unexpected ${JSON.stringify(expr.slice(position, position + 12))}`;
}

/**
 * The syntax tree of `expr`, a PromQL expression as Grafana targets and Prometheus rules hold it
 * (Grafana's global variables such as `$__rate_interval` allowed; a dashboard's own variables only
 * inside strings). Node positions refer to `text`, the expression as parsed.
 * @throws Error naming the line and column (1-based, in `expr`), what is wrong there and the line itself,
 *   when Prometheus's grammar does not accept it.
 */
export function parsePromQL(expr: string): { text: string; top: PromQLNode } {
  const substituted = substituteGrafanaGlobals(expr);
  const tree = parser.parse(substituted.text);
  let error: number | undefined;
  tree.iterate({
    enter(node) {
      if (error === undefined && node.type.isError) error = node.from;
      return error === undefined;
    },
  });
  if (error !== undefined) {
    const position = originalPosition(error, substituted);
    const lines = expr.slice(0, position).split('\n');
    const line = lines.length;
    const column = lines.at(-1)!.length;
    throw new Error(`not valid PromQL at line ${line}, column ${column + 1}: ${describeError(expr, position)}\n  ${expr.split('\n')[line - 1]}\n  ${' '.repeat(column)}^`);
  }
  return { text: substituted.text, top: tree.topNode };
}
