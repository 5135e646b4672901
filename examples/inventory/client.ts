/**
 * The inventory example's client script (`npm run client`): an echo round trip, then a purchase
 * and the push that tells of it.
 */
import type { ClientScript } from 'tessera/client';

const play: ClientScript = async (client, log) => {
  const started = performance.now();
  const echoed = await client.request('Echo.echo', 'hello');
  log(`request Echo.echo('hello') -> ${JSON.stringify(echoed)} in ${(performance.now() - started).toFixed(2)} ms`);

  const push = new Promise<unknown>((resolve) => client.on('inventory.changed', resolve));
  const bought = await client.request('Inventory.buy', 'wooden sword', 10);
  log(`request Inventory.buy('wooden sword', 10) -> ${JSON.stringify(bought)}`);
  log(`push inventory.changed -> ${JSON.stringify(await push)}`);
};

export default play;
