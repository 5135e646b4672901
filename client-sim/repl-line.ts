/**
 * What a line typed at the REPL (`npm run repl`, repl.ts) asks for: a request `route args…`, a
 * notify `!route args…`, or a command `.help`, `.routes`, `.transport tcp|ws|kcp`, `.reconnect`,
 * `.quit`. Arguments are JSON values separated by spaces (or commas): `Inventory.buy "sword" 10`.
 * Pure: nothing here sends or prints.
 */
import type { ClientTransportKind } from './client-transport.js';

/** One parsed line. */
export type ReplCommand =
  | { kind: 'empty' }
  | { kind: 'request' | 'notify'; route: string; args: unknown[] }
  | { kind: 'help' | 'routes' | 'reconnect' | 'quit' }
  | { kind: 'transport'; transport: ClientTransportKind }
  | { kind: 'invalid'; message: string };

const TRANSPORTS: readonly string[] = ['tcp', 'ws', 'kcp'];
const ROUTE = /^[^\s"'[\]{}]+$/;

/** The REPL's commands, as `.help` prints them. */
export const REPL_HELP = [
  'route.name [json args...]    send a request and print its reply, e.g. Inventory.buy "sword" 10',
  '!route.name [json args...]   send a notify (no reply)',
  '.routes                      list the routes this session may call',
  '.transport tcp|ws|kcp        connect again over another transport, same login',
  '.reconnect                   connect again and resume the session',
  '.quit                        close the session and leave (Ctrl-D, Ctrl-C)',
  '.help                        this list',
].join('\n');

/** Parses one line; never throws: a line it cannot take is `invalid`, with why. */
export function parseReplLine(line: string): ReplCommand {
  const text = line.trim();
  if (text === '') return { kind: 'empty' };
  if (text.startsWith('.')) return parseCommand(text);
  const notify = text.startsWith('!');
  const body = notify ? text.slice(1).trimStart() : text;
  const space = body.search(/\s/);
  const route = space < 0 ? body : body.slice(0, space);
  if (!ROUTE.test(route)) return { kind: 'invalid', message: `not a route: ${JSON.stringify(route)} (type .help)` };
  const args = parseArgs(space < 0 ? '' : body.slice(space));
  if (typeof args === 'string') return { kind: 'invalid', message: `${args}; nothing was sent` };
  return { kind: notify ? 'notify' : 'request', route, args };
}

function parseCommand(text: string): ReplCommand {
  const [name, ...rest] = text.split(/\s+/);
  switch (name) {
    case '.help':
    case '.routes':
    case '.reconnect':
    case '.quit':
      if (rest.length > 0) return { kind: 'invalid', message: `${name} takes no arguments` };
      return { kind: name.slice(1) as 'help' | 'routes' | 'reconnect' | 'quit' };
    case '.transport': {
      const transport = rest[0];
      if (rest.length !== 1 || !TRANSPORTS.includes(transport!)) return { kind: 'invalid', message: '.transport takes one of tcp, ws, kcp' };
      return { kind: 'transport', transport: transport as ClientTransportKind };
    }
    default:
      return { kind: 'invalid', message: `unknown command ${name} (type .help)` };
  }
}

/** The JSON values of `text`, or why they are not JSON. */
function parseArgs(text: string): unknown[] | string {
  const values: unknown[] = [];
  for (const token of splitValues(text)) {
    try {
      values.push(JSON.parse(token));
    } catch (err) {
      return `argument ${values.length + 1} is not JSON: ${token} (${(err as Error).message}); strings need double quotes`;
    }
  }
  return values;
}

/** Splits at spaces and commas outside strings, arrays and objects. */
function splitValues(text: string): string[] {
  const tokens: string[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    const separator = depth === 0 && (c === ',' || /\s/.test(c));
    if (separator) {
      if (start >= 0) tokens.push(text.slice(start, i));
      start = -1;
      continue;
    }
    if (start < 0) start = i;
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  if (start >= 0) tokens.push(text.slice(start));
  return tokens;
}
