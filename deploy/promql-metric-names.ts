/**
 * The metric names a PromQL expression reads, for the test that checks the dashboards and alert
 * rules in deploy/ name only metrics a server serves. Read from the syntax tree Prometheus's own
 * grammar gives (see {@link parsePromQL}): the metric of every vector selector, whether written
 * before the braces, as a quoted name inside them, or as a `__name__="..."` matcher.
 */
import { parsePromQL, type PromQLNode } from './promql-syntax.js';

/** The series a histogram (or summary) `h` is scraped as, besides `h` itself for a summary's quantiles. */
const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;

/** The value of a PromQL string literal (`"..."` with escapes, `'...'` or a raw `` `...` ``). */
function stringValue(literal: string): string {
  if (literal.startsWith('`')) return literal.slice(1, -1);
  if (literal.startsWith('"')) return JSON.parse(literal) as string;
  return JSON.parse(`"${literal.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string;
}

/**
 * The metric a vector selector reads.
 * @throws Error when it picks metrics by a pattern (`__name__=~`, `!=`, `!~`, or no name at all),
 *   whose names no check can list.
 */
function selectorMetric(selector: PromQLNode, text: string, expr: string): string {
  const read = (node: PromQLNode): string => text.slice(node.from, node.to);
  const identifier = selector.getChild('Identifier');
  if (identifier) return read(identifier);
  const matchers = selector.getChild('LabelMatchers');
  const quoted = matchers?.getChild('QuotedLabelName');
  if (quoted) return stringValue(read(quoted));
  for (const matcher of [...(matchers?.getChildren('UnquotedLabelMatcher') ?? []), ...(matchers?.getChildren('QuotedLabelMatcher') ?? [])]) {
    const label = matcher.getChild('LabelName') ?? matcher.getChild('QuotedLabelName');
    const name = label?.name === 'LabelName' ? read(label) : stringValue(read(label!));
    if (name !== '__name__') continue;
    if (matcher.getChild('MatchOp')?.getChild('EqlSingle')) return stringValue(read(matcher.getChild('StringLiteral')!));
  }
  throw new Error(`${read(selector)} picks metrics by a pattern, whose names cannot be checked: name the metric\n  ${expr}`);
}

/**
 * Every metric name `expr` reads, once each, in order of first appearance.
 * @param expr a PromQL expression, as Grafana targets and Prometheus rules hold them (Grafana's
 *   global variables such as `$__rate_interval` allowed, a dashboard's own `$variables` inside strings).
 * @throws Error when `expr` is not valid PromQL (see {@link parsePromQL}) or a selector picks metrics by a pattern.
 * @example metricNames('histogram_quantile(0.99, sum by (le) (rate(x_seconds_bucket{job="g"}[5m])))') → ['x_seconds_bucket']
 */
export function metricNames(expr: string): string[] {
  const { text, top } = parsePromQL(expr);
  const names: string[] = [];
  top.cursor().iterate((node) => {
    if (node.name !== 'VectorSelector') return true;
    const name = selectorMetric(node.node, text, expr);
    if (!names.includes(name)) names.push(name);
    return false;
  });
  return names;
}

/**
 * The metric a series name belongs to, given the types a scrape declares (`# TYPE <name> <type>`):
 * `h_bucket`, `h_sum` and `h_count` belong to the histogram or summary `h`; anything else is its own.
 * @param types metric name → type, as {@link declaredTypes} reads them.
 */
export function metricOf(series: string, types: ReadonlyMap<string, string>): string {
  if (types.has(series)) return series;
  const base = series.replace(HISTOGRAM_SERIES, '');
  const type = types.get(base);
  return base !== series && (type === 'histogram' || type === 'summary') ? base : series;
}

/** The metrics a Prometheus text exposition declares, by its `# TYPE <name> <type>` lines (a metric with no samples yet has them too). */
export function declaredTypes(exposition: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) types.set(match[1]!, match[2]!);
  return types;
}
