/**
 * `npm run client`: logs a simulated player in to a running server (`npm start`), connects to the
 * gate it is given, and plays the game's client script (client-script.ts): `client.ts` in the
 * game's folder, loaded from the path given at run time.
 *
 * Options: `--game <folder>` (default examples/inventory, the game `npm start` runs), `--login <url>`
 * (default http://127.0.0.1:8080), `--transport tcp|ws|kcp` (default tcp), `--user <name>` and
 * `--password <secret>` (default: a new account).
 */
import { parseArgs } from 'node:util';
import { loadClientScript } from './client-script.js';
import { connectGate } from './node-client.js';
import { login, register } from './login.js';

const { values } = parseArgs({
  options: {
    game: { type: 'string', default: 'examples/inventory' },
    login: { type: 'string', default: 'http://127.0.0.1:8080' },
    transport: { type: 'string', default: 'tcp' },
    user: { type: 'string' },
    password: { type: 'string', default: 'correct-horse-battery' },
  },
});

async function run(): Promise<void> {
  const transport = values.transport as 'tcp' | 'ws' | 'kcp';
  if (!['tcp', 'ws', 'kcp'].includes(transport)) throw new Error(`--transport must be tcp, ws or kcp, not ${transport}`);
  // Before any network: a wrong --game fails at once.
  const script = await loadClientScript(values.game);
  const username = values.user ?? `player-${Math.random().toString(36).slice(2, 8)}`;
  if (!values.user) console.log(`registered ${username}: uid ${await register(values.login, username, values.password)}`);
  const { token, gate } = await login(values.login, username, values.password);
  const endpoint = gate[transport];
  if (!endpoint) throw new Error(`gate ${gate.id} has no ${transport} endpoint`);
  console.log(`logged in; gate ${gate.id} at ${endpoint} (${transport})`);

  const client = await connectGate({ endpoint, transport, gateKey: gate.publicKey });
  try {
    const session = await client.auth(token);
    console.log(`session ${session.sessionId} for uid ${session.uid}; playing ${values.game}`);
    await script(client, (line) => console.log(line));
  } finally {
    client.close();
  }
}

run().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`client failed: ${(err as Error).message}`);
    process.exit(1);
  },
);
