/**
 * The metric names a PromQL expression reads, for the test that checks the dashboards and alert
 * rules in deploy/ name only metrics a server serves. A reader of names, not a PromQL parser: it
 * drops what cannot be a metric name (strings, label matchers, ranges and durations, grouping
 * clauses, Grafana variables, numbers) and keeps the identifiers that are not functions,
 * operators or keywords.
 */

/** Words PromQL gives a meaning of its own, never metric names where they stand in an expression. */
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan', 'atan2']);

/** The series a histogram (or summary) `h` is scraped as, besides `h` itself for a summary's quantiles. */
const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;

/**
 * Every metric name `expr` reads, once each, in order of first appearance.
 * @param expr a PromQL expression, as Grafana targets and Prometheus rules hold them (Grafana's
 *   `$variables` and `${variables}` allowed).
 * @example metricNames('histogram_quantile(0.99, sum by (le) (rate(x_seconds_bucket{job="g"}[5m])))') → ['x_seconds_bucket']
 */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\w+/g, ' ')
    .replace(/\boffset\s+\S+/g, ' ');
  const names: string[] = [];
  // A name starts where no word character, dot or digit came before (so `1e3` and `5m` are not read).
  for (const match of bare.matchAll(/(?<![\w.:])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const [, name, call] = match;
    if (call !== undefined || KEYWORDS.has(name!.toLowerCase())) continue;
    if (!names.includes(name!)) names.push(name!);
  }
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
