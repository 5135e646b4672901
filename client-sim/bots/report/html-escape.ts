/**
 * Putting text and data into the report's HTML safely: summary values (scenario names, check
 * names, failure details) come from scenarios and servers, and must never become markup.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` with `& < > " '` replaced by entities, for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * `value` as JSON for the content of a `<script type="application/json">` element: `<` is written
 * `\u003c`, so no `</script` or `<!--` in a string ends or changes the element, and U+2028 and
 * U+2029 are escaped too. `JSON.parse` of the element's text gives the value back; NaN and
 * infinities become null, as in any JSON.
 */
export function inlineJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
