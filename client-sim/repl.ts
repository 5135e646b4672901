/**
 * `npm run repl`: an interactive client. Logs a player in to a running server, connects to the
 * gate the login service names, and reads lines: `route.name [json args…]` sends a request and
 * prints its reply or its coded error, `!route.name [json args…]` sends a notify, and the commands
 * of repl-line.ts (`.help`, `.routes`, `.transport`, `.reconnect`, `.quit`). Pushes are printed as
 * they arrive. The line parsing (repl-line.ts), the printing (repl-format.ts) and the completion
 * (repl-completer.ts) are pure; this file is the terminal around them.
 *
 * Options: `--login <url>` (default http://127.0.0.1:8080), `--transport tcp|ws|kcp` (default tcp),
 * `--user <name>` and `--password <secret>` (default: a new account), `--register` to create the
 * account `--user` names first. On a terminal, the history is kept in `~/.tessera_repl_history`
 * (the last 1,000 lines).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { clearLine, createInterface, cursorTo, type Interface } from 'node:readline';
import { parseArgs } from 'node:util';
import { SYSTEM_ROUTE } from '../engine/protocol/constants.js';
import type { ClientTransportKind } from './client-transport.js';
import { login, register } from './login.js';
import { connectGate, type GateClient } from './node-client.js';
import { completeReplLine, routesInHistory } from './repl-completer.js';
import { formatError, formatPush, formatReply } from './repl-format.js';
import { REPL_HELP, parseReplLine, type ReplCommand } from './repl-line.js';

/** Lines of history kept, in memory and in the file. */
const HISTORY_LINES = 1_000;
const HISTORY_FILE = join(homedir(), '.tessera_repl_history');

const { values } = parseArgs({
  options: {
    login: { type: 'string', default: 'http://127.0.0.1:8080' },
    transport: { type: 'string', default: 'tcp' },
    user: { type: 'string' },
    password: { type: 'string', default: 'correct-horse-battery' },
    register: { type: 'boolean', default: false },
  },
});

/** The connection the REPL holds, replaced by `.transport`. */
interface Connection {
  client: GateClient;
  transport: ClientTransportKind;
  stopWatching: () => void;
}

let rl: Interface | undefined;
let connection: Connection | undefined;
let serverRoutes: string[] = [];
const typedRoutes = new Set<string>();

/** Prints a line without breaking the one being typed: on a terminal, the prompt is drawn again below it. */
function print(line: string): void {
  if (rl && process.stdout.isTTY) {
    clearLine(process.stdout, 0);
    cursorTo(process.stdout, 0);
    process.stdout.write(`${line}\n`);
    rl.prompt(true);
  } else {
    process.stdout.write(`${line}\n`);
  }
}

function readHistory(): string[] {
  try {
    return readFileSync(HISTORY_FILE, 'utf8').split('\n').filter((line) => line.trim() !== '').slice(-HISTORY_LINES).reverse();
  } catch {
    return [];
  }
}

/** Logs in as `username` and connects over `transport`, closing the connection held before. */
async function connect(username: string, transport: ClientTransportKind): Promise<void> {
  const { token, gate } = await login(values.login, username, values.password);
  const endpoint = gate[transport];
  if (!endpoint) throw new Error(`gate ${gate.id} has no ${transport} endpoint`);
  if (connection) {
    connection.stopWatching();
    connection.client.close();
    connection = undefined;
  }
  const client = await connectGate({ endpoint, transport, gateKey: gate.publicKey });
  const stopPushes = client.on('*', (body, route) => print(formatPush(route, body)));
  const stopClose = client.onClose((_reason, err) => print(`closed: ${formatError(err)} (.reconnect to resume)`));
  connection = { client, transport, stopWatching: () => (stopPushes(), stopClose()) };
  const session = await client.auth(token);
  print(`connected to gate ${gate.id} at ${endpoint} (${transport}); session ${session.sessionId} for uid ${session.uid}`);
  await listRoutes(false);
}

/** Asks the server for the routes this session may call; prints them when `show`. */
async function listRoutes(show: boolean): Promise<void> {
  try {
    const listed = await connection!.client.request<unknown>(SYSTEM_ROUTE.ROUTES);
    serverRoutes = Array.isArray(listed) ? listed.filter((r): r is string => typeof r === 'string') : [];
    if (show) print(serverRoutes.length > 0 ? serverRoutes.join('\n') : '(the server lists no routes for this session)');
  } catch (err) {
    if (show) print(`${formatError(err)}; routes seen in the history: ${[...typedRoutes].join(' ') || 'none'}`);
  }
}

/** Runs one command; resolves true when the REPL should end. */
async function run(username: string, command: ReplCommand): Promise<boolean> {
  const client = connection!.client;
  switch (command.kind) {
    case 'empty':
      return false;
    case 'invalid':
      print(`error: ${command.message}`);
      return false;
    case 'help':
      print(REPL_HELP);
      return false;
    case 'quit':
      return true;
    case 'routes':
      await listRoutes(true);
      return false;
    case 'reconnect': {
      const session = await client.reconnect();
      print(`${session.resumed ? 'resumed' : 'new'} session ${session.sessionId} over ${connection!.transport}`);
      return false;
    }
    case 'transport':
      await connect(username, command.transport);
      return false;
    case 'notify':
      typedRoutes.add(command.route);
      client.notify(command.route, ...command.args);
      print(`sent ${command.route}`);
      return false;
    case 'request':
      typedRoutes.add(command.route);
      print(formatReply(command.route, await client.request(command.route, ...command.args)));
      return false;
  }
}

async function main(): Promise<void> {
  const terminal = process.stdin.isTTY === true && process.stdout.isTTY === true;
  const history = terminal ? readHistory() : [];
  for (const route of routesInHistory(history)) typedRoutes.add(route);
  const username = values.user ?? `player-${Math.random().toString(36).slice(2, 8)}`;
  if (!values.user || values.register) print(`registered ${username}: uid ${await register(values.login, username, values.password)}`);
  await connect(username, values.transport as ClientTransportKind);
  const input = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal,
    // Piped input (a script, CI) gets the output lines only.
    prompt: terminal ? '> ' : '',
    history,
    historySize: HISTORY_LINES,
    completer: (line: string) => completeReplLine(line, [...serverRoutes, ...typedRoutes]),
  });
  rl = input;
  input.on('history', (lines: string[]) => {
    try {
      writeFileSync(HISTORY_FILE, `${[...lines].reverse().join('\n')}\n`);
    } catch {
      // A home without write access: the history stays in memory.
    }
  });
  // Ctrl-C: readline reports it on a terminal; piped input gets the signal itself.
  input.on('SIGINT', () => input.close());
  process.on('SIGINT', () => input.close());
  input.prompt();
  for await (const line of input) {
    let done = false;
    try {
      done = await run(username, parseReplLine(line));
    } catch (err) {
      print(formatError(err));
    }
    if (done) break;
    input.prompt();
  }
  input.close();
  connection?.stopWatching();
  connection?.client.close();
}

if (!['tcp', 'ws', 'kcp'].includes(values.transport)) {
  console.error(`repl failed: --transport must be tcp, ws or kcp, not ${values.transport}`);
  process.exit(1);
}
main().then(
  // Let the close reach the gate before leaving.
  () => setImmediate(() => process.exit(0)),
  (err: unknown) => {
    console.error(`repl failed: ${formatError(err)}`);
    process.exit(1);
  },
);
