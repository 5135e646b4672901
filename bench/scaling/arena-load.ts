/**
 * The arena played as hard as the servers allow: the scaling benchmark's bot scenario. Each bot
 * waits for its hero in its lobby's field, then, with no think time, steers (`Controls.move` with
 * a new direction each time) and looks around (`arena.look`), while the server moves the heroes
 * and monsters and syncs each player's view to its client every tick. A closed loop with
 * {@link IN_FLIGHT} requests in flight per bot, so that a few bots keep a lobby busy (more bots in
 * one field would cost each of them more sync, which grows with the square of the heroes) and the
 * rate of requests is what the servers sustain. The steps of examples/arena/scenarios/play.ts with
 * its think times taken out; matches are left out, since the matchmaker is one service of the
 * cluster, not something that grows with the lobbies.
 */
import { ownHero, hpOf } from '../../examples/arena/scenarios/sight.js';
import { defineScenario, type Bot } from '../../client-sim/bots/scenario.js';

/**
 * Requests each bot keeps in flight. With one, a lobby held to a tenth of a core spends much of
 * each CFS period waiting for the next request to come round the loop (through the gate and the
 * bots, on a busy machine); with eight, requests are queued whenever it runs, so the rate is what
 * its CPU share does, not what the loop's latency allows (measured: 1: about 300 req/s, 3: 400,
 * 8: 700 to 1,000, 16: no more).
 */
const IN_FLIGHT = 8;

/** Refusals that come with playing (a monster downed the hero): counted, then played through. */
const PLAY_REFUSALS = new Set(['ARENA_ERR_DEAD']);

function serverCodeOf(err: unknown): string | undefined {
  const code = (err as { serverCode?: unknown } | undefined)?.serverCode;
  return typeof code === 'string' ? code : undefined;
}

async function standing(bot: Bot): Promise<void> {
  await bot.waitFor((world) => {
    const hero = ownHero(world);
    return hero !== undefined && hpOf(hero) > 0;
  }, { label: 'hero', timeoutMs: 30_000 });
}

/** Steers in a random direction, then looks around. */
async function play(bot: Bot): Promise<void> {
  const angle = bot.random() * 2 * Math.PI;
  try {
    await bot.request('Controls.move', Math.round(Math.cos(angle) * 100) / 100, Math.round(Math.sin(angle) * 100) / 100);
  } catch (err) {
    if (!PLAY_REFUSALS.has(serverCodeOf(err) ?? '')) throw err;
  }
  await bot.request('arena.look');
}

export default defineScenario({
  name: 'arena-load',
  description: 'steers and looks around in the arena\'s field with no think time, eight requests in flight per bot',
  accounts: { prefix: 'scaling-bot' },
  async setup(bot) {
    await standing(bot);
  },
  async iteration(bot) {
    await Promise.all(Array.from({ length: IN_FLIGHT }, () => play(bot)));
  },
});
