/**
 * Tab completion at the REPL (repl.ts): the route being typed at the start of a line (after a
 * `!` for a notify), or a command after a `.`. Pure; the routes come from the server
 * (`sys.routes`) or, when it does not answer, from the lines in the history.
 */
import { parseReplLine } from './repl-line.js';

const COMMANDS = ['.help', '.routes', '.transport', '.reconnect', '.quit'];

/**
 * What readline's `completer` returns for `line`: the candidates and the part they complete.
 * Only the first word completes; after it, there is nothing to offer.
 */
export function completeReplLine(line: string, routes: Iterable<string>): [string[], string] {
  const start = line.trimStart();
  if (/\s/.test(start)) return [[], line];
  if (start.startsWith('.')) return [COMMANDS.filter((c) => c.startsWith(start)), start];
  const word = start.startsWith('!') ? start.slice(1) : start;
  const hits = [...new Set(routes)].filter((route) => route.startsWith(word)).sort();
  return [hits, word];
}

/** The routes of the requests and notifies among `lines` (a history), each once, in order. */
export function routesInHistory(lines: Iterable<string>): string[] {
  const routes = new Set<string>();
  for (const line of lines) {
    const command = parseReplLine(line);
    if (command.kind === 'request' || command.kind === 'notify') routes.add(command.route);
  }
  return [...routes];
}
