/**
 * A Colyseus 0.18 echo room for `npm run bench -- peers`, run as its own process: one room type,
 * `echo`, whose handler sends every `echo` message straight back to its sender, over Colyseus's
 * default WebSocket transport. The room holds no state, so no patches are sent.
 *
 * Usage: node echo-server.mjs <port>. Prints `{"endpoint":"http://127.0.0.1:<port>"}` (what the SDK's Client takes) as one line on
 * stdout once it listens, and exits when stdin closes.
 */
import { Room, Server } from '@colyseus/core';
import { WebSocketTransport } from '@colyseus/ws-transport';

class EchoRoom extends Room {
  // Every client of the benchmark joins one room, as its players would join one match.
  maxClients = Infinity;
  // A thousand clients join at once on one pinned core: give each seat time to be taken.
  seatReservationTimeout = 120;

  onCreate() {
    this.onMessage('echo', (client, message) => {
      client.send('echo', message);
    });
  }
}

const port = Number(process.argv[2]);
// No ping timeouts: a client waiting behind a thousand others must not be dropped as unresponsive.
const server = new Server({ transport: new WebSocketTransport({ pingInterval: 0 }), greet: false, gracefullyShutdown: false });
server.define('echo', EchoRoom);
await server.listen(port, '127.0.0.1');
process.stdout.write(`${JSON.stringify({ endpoint: `http://127.0.0.1:${port}` })}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
