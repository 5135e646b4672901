/**
 * `npm run client`: logs a simulated player in to a running server (`npm start`), connects to the
 * gate it is given, and shows a request round trip and a push.
 *
 * Options: `--login <url>` (default http://127.0.0.1:8080), `--transport tcp|ws|kcp` (default tcp),
 * `--user <name>` and `--password <secret>` (default: a new account).
 */
import { parseArgs } from 'node:util';
import { connectGate } from './node-client.js';
import { login, register } from './login.js';

const { values } = parseArgs({
  options: {
    login: { type: 'string', default: 'http://127.0.0.1:8080' },
    transport: { type: 'string', default: 'tcp' },
    user: { type: 'string' },
    password: { type: 'string', default: 'correct-horse-battery' },
  },
});

async function run(): Promise<void> {
  const transport = values.transport as 'tcp' | 'ws' | 'kcp';
  if (!['tcp', 'ws', 'kcp'].includes(transport)) throw new Error(`--transport must be tcp, ws or kcp, not ${transport}`);
  const username = values.user ?? `player-${Math.random().toString(36).slice(2, 8)}`;
  if (!values.user) console.log(`registered ${username}: uid ${await register(values.login, username, values.password)}`);
  const { token, gate } = await login(values.login, username, values.password);
  const endpoint = gate[transport];
  if (!endpoint) throw new Error(`gate ${gate.id} has no ${transport} endpoint`);
  console.log(`logged in; gate ${gate.id} at ${endpoint} (${transport})`);

  const client = await connectGate({ endpoint, transport, gateKey: gate.publicKey });
  const session = await client.auth(token);
  console.log(`session ${session.sessionId} for uid ${session.uid}`);

  const started = performance.now();
  const echoed = await client.request('Echo.echo', 'hello');
  console.log(`request Echo.echo('hello') -> ${JSON.stringify(echoed)} in ${(performance.now() - started).toFixed(2)} ms`);

  const push = new Promise<unknown>((resolve) => client.on('inventory.changed', resolve));
  const bought = await client.request('Inventory.buy', 'wooden sword', 10);
  console.log(`request Inventory.buy('wooden sword', 10) -> ${JSON.stringify(bought)}`);
  console.log(`push inventory.changed -> ${JSON.stringify(await push)}`);
  client.close();
}

run().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`client failed: ${(err as Error).message}`);
    process.exit(1);
  },
);
