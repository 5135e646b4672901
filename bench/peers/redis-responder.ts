/**
 * The far end of the peers benchmark's Redis request/response, run as its own process: what a
 * Colyseus process does for a call from another process through Redis. It subscribes to the
 * request channel and answers every request `[id, replyChannel, args]` (JSON, as Colyseus's Redis
 * presence encodes its messages) by publishing `[id, args]` to the reply channel.
 *
 * Usage: node --import tsx redis-responder.ts <redis url> <request channel>. Prints `ready` on stdout once
 * subscribed and exits when stdin closes.
 */
import { Redis } from 'ioredis';

const [url, requestChannel] = process.argv.slice(2) as [string, string];
const subscriber = new Redis(url);
const publisher = new Redis(url);
subscriber.on('message', (_channel: string, message: string) => {
  const [id, replyChannel, args] = JSON.parse(message) as [number, string, unknown];
  void publisher.publish(replyChannel, JSON.stringify([id, args]));
});
await subscriber.subscribe(requestChannel);
process.stdout.write('ready\n');
process.stdin.resume();
process.stdin.on('end', () => {
  subscriber.disconnect();
  publisher.disconnect();
  process.exit(0);
});
