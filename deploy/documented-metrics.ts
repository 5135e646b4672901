/**
 * The metrics docs/operations.md documents: the rows of its metric tables, whose first cell is a
 * metric name in backticks and whose second is its type, e.g.
 * `` | `tessera_gate_sessions` | gauge | | Authenticated sessions. | ``.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** docs/operations.md. */
export const OPERATIONS_DOC = fileURLToPath(new URL('../docs/operations.md', import.meta.url));

/** Metric name → type (counter, gauge, histogram), as the document's tables list them. */
export function documentedMetrics(markdown = readFileSync(OPERATIONS_DOC, 'utf8')): Map<string, string> {
  const metrics = new Map<string, string>();
  for (const match of markdown.matchAll(/^\| `([a-z_:][a-z0-9_:]*)` \| (counter|gauge|histogram|summary) \|/gm)) metrics.set(match[1]!, match[2]!);
  return metrics;
}
