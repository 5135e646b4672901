/**
 * The arena's client script (`npm run client -- --game examples/arena`): looks around, walks its
 * hero towards the nearest monster's home until a monster comes into view, hunts the nearest one
 * down by steering (it sends directions, never positions), attacks it until it dies, and shows the
 * `arena.kill` push and the leaderboard.
 */
import type { ClientScript, GateClient } from 'tessera/client';
import type { View } from './arena-service.js';
import type { AttackResult } from './controls.js';
import { HERO, MONSTER } from './rules.js';

/** How long the hunt may take before the script gives up. */
const HUNT_LIMIT_MS = 60_000;
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
  let target: string | undefined;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`no monster killed within ${HUNT_LIMIT_MS} ms`);
    view = await client.request<View>('arena.look');
    const you = view.you!;
    const prey = view.monsters.find((m) => m.id === target) ?? nearest(view);
    if (!prey) {
      // Nothing in view: walk towards the nearest monster's home.
      const home = MONSTER.homes.reduce((best, h) => (Math.hypot(h.x - you.x, h.y - you.y) < Math.hypot(best.x - you.x, best.y - you.y) ? h : best));
      await client.request('Controls.move', home.x - you.x, home.y - you.y);
    } else {
      if (prey.id !== target) log(`hunting ${prey.id} at (${prey.x.toFixed(1)}, ${prey.y.toFixed(1)})`);
      target = prey.id;
      const dx = prey.x - you.x;
      const dy = prey.y - you.y;
      if (Math.hypot(dx, dy) > HERO.attackRange * 0.8) {
        await client.request('Controls.move', dx, dy);
      } else {
        await client.request('Controls.move', 0, 0);
        const outcome = await attack(client, prey.id);
        if (outcome) log(`request Controls.attack('${prey.id}') -> ${JSON.stringify(outcome)}`);
        if (outcome?.result === 'killed') break;
      }
    }
    await sleep(STEP_MS);
  }
  await client.request('Controls.move', 0, 0);
  log(`push arena.kill -> ${JSON.stringify(await kill)}`);
  log(`request leaderboard.top -> ${JSON.stringify(await client.request('leaderboard.top', 5))}`);
};

// The nearest living monster in view, if any.
function nearest(view: View): View['monsters'][number] | undefined {
  const you = view.you!;
  const living = view.monsters.filter((m) => m.hp > 0);
  if (living.length === 0) return undefined;
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
