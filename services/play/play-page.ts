/**
 * The page `/play` serves for a game whose web client ships no `index.html`: an empty document
 * that loads the bundled script, which builds its own interface.
 */

/** The script's URL, which a game's own page loads too. */
export const PLAY_SCRIPT_URL = '/play/main.js';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** The engine's page for a game's web client, titled `title`. */
export function playPage(title: string): string {
  const text = title.replace(/[&<>"]/g, (c) => ESCAPES[c]!);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${text}</title>`,
    `<script type="module" src="${PLAY_SCRIPT_URL}"></script>`,
    '<body></body>',
    '</html>',
    '',
  ].join('\n');
}
