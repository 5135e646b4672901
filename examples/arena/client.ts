/**
 * The arena's client script (`npm run client -- --game examples/arena`): looks around, walks its
 * hero to the nearest monster by steering (it sends directions, never positions), attacks it until
 * it dies, and shows the `arena.kill` push and the leaderboard.
 */
import type { ClientScript, GateClient } from 'tessera/client';
import type { View } from './arena-service.js';
import type { AttackResult } from './controls.js';
import { HERO } from './rules.js';

/** How long the hunt may take before the script gives up. */
const HUNT_LIMIT_MS = 30_000;
/** How often it looks again while walking or waiting for its weapon. */
const STEP_MS = 200;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const play: ClientScript = async (client, log) => {
  const kill = new Promise<unknown>((resolve) => client.on('arena.kill', resolve));
  client.on('arena.death', (body) => log(`push arena.death -> ${JSON.stringify(body)}`));

  let view = await client.request<View>('arena.look');
  log(`request arena.look -> you at (${view.you!.x}, ${view.you!.y}) with ${view.you!.xp} xp; ${view.monsters.length} monsters`);
  log(`request leaderboard.top -> ${JSON.stringify(await client.request('leaderboard.top', 5))}`);

  const deadline = Date.now() + HUNT_LIMIT_MS;
  const target = nearest(view);
  log(`hunting ${target.id} at (${target.x.toFixed(1)}, ${target.y.toFixed(1)})`);
  for (;;) {
    if (Date.now() > deadline) throw new Error(`${target.id} was not killed within ${HUNT_LIMIT_MS} ms`);
    view = await client.request<View>('arena.look');
    const prey = view.monsters.find((m) => m.id === target.id)!;
    const dx = prey.x - view.you!.x;
    const dy = prey.y - view.you!.y;
    if (Math.hypot(dx, dy) > HERO.attackRange * 0.8) {
      await client.request('Controls.move', dx, dy);
    } else {
      await client.request('Controls.move', 0, 0);
      const outcome = await attack(client, target.id);
      if (outcome) log(`request Controls.attack('${target.id}') -> ${JSON.stringify(outcome)}`);
      if (outcome?.result === 'killed') break;
    }
    await sleep(STEP_MS);
  }
  log(`push arena.kill -> ${JSON.stringify(await kill)}`);
  log(`request leaderboard.top -> ${JSON.stringify(await client.request('leaderboard.top', 5))}`);
};

function nearest(view: View): View['monsters'][number] {
  const you = view.you!;
  const living = view.monsters.filter((m) => m.hp > 0);
  if (living.length === 0) throw new Error('no living monster to hunt');
  return living.reduce((best, m) => (Math.hypot(m.x - you.x, m.y - you.y) < Math.hypot(best.x - you.x, best.y - you.y) ? m : best));
}

// An attack, or undefined when the game refused it for now (cooling down, the monster stepped away).
async function attack(client: GateClient, target: string): Promise<AttackResult | undefined> {
  try {
    return await client.request<AttackResult>('Controls.attack', target);
  } catch (err) {
    const code = (err as { serverCode?: string }).serverCode;
    if (code === 'ARENA_ERR_COOLDOWN' || code === 'ARENA_ERR_OUT_OF_RANGE') return undefined;
    throw err;
  }
}

export default play;
