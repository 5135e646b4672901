/**
 * The arena's client script (`npm run client -- --game examples/arena`): reads what its player
 * sees from the SDK's mirror (`client.world`, synced by the server every tick), walks its hero
 * towards the nearest monster's home until a monster comes into view, hunts the nearest one down
 * by steering (it sends directions, never positions), attacks it until it dies, and shows the
 * `arena.kill` push and the leaderboard.
 */
import type { ClientScript, GateClient, MirrorEntity, WorldMirror } from 'tessera/client';
import type { AttackResult } from './controls.js';
import { HERO, MONSTER } from './rules.js';

/** How long the hunt may take before the script gives up. */
const HUNT_LIMIT_MS = 60_000;
/** How often it steers again while walking or waiting for its weapon. */
const STEP_MS = 200;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Point {
  x: number;
  y: number;
}

const play: ClientScript = async (client, log) => {
  const kill = new Promise<unknown>((resolve) => client.on('arena.kill', resolve));
  client.on('arena.death', (body) => log(`push arena.death -> ${JSON.stringify(body)}`));
  const world = client.world;
  world.onAdd((e) => e.type === 'Monster' && log(`sees ${e.id} at ${where(e)}`));
  world.onRemove((e) => e.type === 'Monster' && log(`lost sight of ${e.id}`));

  // The player's own hero is the one whose owner-only fields (its experience) reach this client.
  await world.waitFor((w) => me(w) !== undefined);
  const you = me(world)!;
  log(`in ${world.space?.type} ${world.space?.id}: you at ${where(you)} with ${String(you.values['Experience']?.['xp'])} xp; ${world.entities.size} entities in view`);
  log(`request leaderboard.top -> ${JSON.stringify(await client.request('leaderboard.top', 5))}`);

  const deadline = Date.now() + HUNT_LIMIT_MS;
  let target: string | undefined;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`no monster killed within ${HUNT_LIMIT_MS} ms`);
    const at = position(me(world)!);
    const prey = (target ? world.get(target) : undefined) ?? nearestMonster(world, at);
    if (!prey) {
      // Nothing in view: walk towards the nearest monster's home.
      const home = MONSTER.homes.reduce((best, h) => (distance(h, at) < distance(best, at) ? h : best));
      await client.request('Controls.move', home.x - at.x, home.y - at.y);
    } else {
      if (prey.id !== target) log(`hunting ${prey.id} at ${where(prey)}`);
      target = prey.id;
      const to = position(prey);
      if (distance(to, at) > HERO.attackRange * 0.8) {
        await client.request('Controls.move', to.x - at.x, to.y - at.y);
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

function me(world: WorldMirror): MirrorEntity | undefined {
  for (const e of world.entities.values()) if (e.type === 'Hero' && e.values['Experience'] !== undefined) return e;
  return undefined;
}

function nearestMonster(world: WorldMirror, from: Point): MirrorEntity | undefined {
  let best: MirrorEntity | undefined;
  for (const e of world.entities.values()) {
    if (e.type !== 'Monster' || Number(e.values['Health']?.['hp']) <= 0) continue;
    if (!best || distance(position(e), from) < distance(position(best), from)) best = e;
  }
  return best;
}

function position(e: MirrorEntity): Point {
  return { x: Number(e.values['Position']?.['x']), y: Number(e.values['Position']?.['y']) };
}

function where(e: MirrorEntity): string {
  const { x, y } = position(e);
  return `(${x.toFixed(1)}, ${y.toFixed(1)})`;
}

function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
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
