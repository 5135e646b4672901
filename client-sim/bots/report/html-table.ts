/** An HTML table from cells that are already HTML (escape text with `escapeHtml` first). */
import { escapeHtml } from './html-escape.js';

/** A row: its cells' HTML, and a class for the row (e.g. `fail` to highlight it). */
export interface TableRow {
  cells: string[];
  className?: string;
}

/**
 * A `<table>` with a header row of `head` (plain text, escaped here; none when `head` is empty)
 * and `rows`; columns whose header is in `numeric` are right-aligned. A table without rows is a
 * paragraph saying `empty` (default `None.`).
 */
export function htmlTable(head: string[], rows: TableRow[], options: { numeric?: string[]; empty?: string } = {}): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(options.empty ?? 'None.')}</p>`;
  const numeric = new Set(options.numeric ?? []);
  const align = (i: number): string => (numeric.has(head[i]!) ? ' class="num"' : '');
  const header = head.map((h, i) => `<th${align(i)}>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((row) => `<tr${row.className ? ` class="${row.className}"` : ''}>${row.cells.map((c, i) => `<td${align(i)}>${c}</td>`).join('')}</tr>`)
    .join('\n');
  const thead = head.length > 0 ? `<thead><tr>${header}</tr></thead>\n` : '';
  return `<table class="data">\n${thead}<tbody>\n${body}\n</tbody>\n</table>`;
}
