/**
 * The arena played by bots (`npm run bots -- examples/arena/scenarios/play.ts --bots 200`). Each
 * bot plays as a player would, from its mirror of what it sees (`bot.world`): it waits for its
 * hero, then round after round either roams the field, hunting the monsters it comes across, or
 * queues for a 2v2 match, plays it until the match ends (or, now and then, leaves it early) and
 * is sent back to the field. It steers by directions a few hundred milliseconds apart (sent only
 * when the direction changes), attacks when a monster is within reach and its weapon is ready,
 * and waits out its respawn when a monster downs it.
 *
 * It checks what the game answers and pushes against what the mirror shows: a kill's reply, its
 * `arena.kill` push and the experience synced after it; its place in a match's teams and the
 * result of the match for its team; `arena.look` agreeing with the mirror; the leaderboard's
 * order. Refusals that come with playing (a monster another player slew first, one that stepped
 * out of reach, a blow that downed the hero meanwhile) are counted under their codes and played
 * through; the objectives bound the error rate of the routes where a refusal means a fault.
 */
import type { TicketStatus } from 'tessera';
import { defineScenario, thinkTime, type Bot } from 'tessera/bots';
import type { GateClient } from 'tessera/client';
import type { View } from '../arena-service.js';
import type { AttackResult } from '../controls.js';
import type { RankEntry } from '../leaderboard.js';
import type { MatchResult } from '../match-referee.js';
import { ARENA_SIZE, FIELD, HERO, MATCH, MONSTER } from '../rules.js';
import type { MatchEntered } from '../spaces.js';
import { directionTo, distance, experienceOf, hpOf, nearestMonster, ownHero, positionOf, turned, type Point } from './sight.js';

/** Between two steps: a player reacts a few times a second, not every tick. */
const STEP = thinkTime.uniform(300, 500);
/** After an attack: the weapon's cooldown (`HERO.attackCooldown` seconds), and a little. */
const AFTER_ATTACK = thinkTime.uniform(HERO.attackCooldown * 1_000 + 50, HERO.attackCooldown * 1_000 + 300);
/** Share of rounds spent queueing for a match and playing it; the others roam the field. */
const MATCH_SHARE = 0.5;
/** Share of matches a bot leaves early (`arena.leave`). */
const LEAVE_SHARE = 0.1;
/** Share of rounds that begin with a look at the leaderboard. */
const LEADERBOARD_SHARE = 0.05;
/** Most steps of one field round. */
const FIELD_STEPS = 30;
/** A monster this close is hunted in the field. */
const HUNT_RANGE = 12;
/** A monster this close is attacked: within the hero's reach, with room for the mirror being a tick or two behind. */
const REACH = HERO.attackRange * 0.7;
/** How long a bot waits in the queue before it gives up and cancels its ticket. */
const MATCH_WAIT_MS = 60_000;
/** Steps of a match after which it should have ended (steps last at least 300 ms; a match at most `MATCH.durationMs`). */
const MATCH_MAX_STEPS = Math.ceil((MATCH.durationMs + 15_000) / 300);
/** Where match monsters live: between the teams. */
const MATCH_CENTRE: Point = { x: 50, y: 50 };
/** Refusals that come with playing, not with a fault: counted, then played through. */
const PLAY_REFUSALS = new Set(['ARENA_ERR_NO_TARGET', 'ARENA_ERR_OUT_OF_RANGE', 'ARENA_ERR_COOLDOWN', 'ARENA_ERR_DEAD']);
const STOP: Point = { x: 0, y: 0 };

/** What `arena.kill` pushes. */
interface KillPush {
  target: string;
  xp: number;
  totalXp: number;
  kills: number;
}

/** What a bot learned on its connection: pushes as they arrive, and what it last told the server. */
interface Connection {
  heroId: string | undefined;
  entered: MatchEntered | undefined;
  result: MatchResult | undefined;
  kill: KillPush | undefined;
  queued: boolean;
  /** The direction last sent, and the space it was sent in (entering a space stops the hero). */
  heading: Point;
  headingSpace: string | undefined;
}

// By connection: a bot that logs in again starts over with a new client, and its listeners go with the old one.
const connections = new WeakMap<GateClient, Connection>();

function connectionOf(bot: Bot): Connection {
  let state = connections.get(bot.client);
  if (state) return state;
  const fresh: Connection = { heroId: undefined, entered: undefined, result: undefined, kill: undefined, queued: false, heading: STOP, headingSpace: undefined };
  bot.client.on('arena.match', (body) => (fresh.entered = body as MatchEntered));
  bot.client.on('arena.result', (body) => (fresh.result = body as MatchResult));
  bot.client.on('arena.kill', (body) => (fresh.kill = body as KillPush));
  connections.set(bot.client, fresh);
  return fresh;
}

/** The server's code of a refusal, or the SDK's or the bot runtime's code of another failure. */
function codeOf(err: unknown): string | undefined {
  const e = err as { serverCode?: unknown; code?: unknown } | undefined;
  return typeof e?.serverCode === 'string' ? e.serverCode : typeof e?.code === 'string' ? e.code : undefined;
}

/** A request whose refusals in `expected` are part of play: they resolve to undefined (still counted by the runtime). */
async function attempt<T>(bot: Bot, expected: ReadonlySet<string>, route: string, ...args: unknown[]): Promise<T | undefined> {
  try {
    return await bot.request<T>(route, ...args);
  } catch (err) {
    if (expected.has(codeOf(err) ?? '')) return undefined;
    throw err;
  }
}

/**
 * Waits for `waiting` (a `bot.waitFor` or `bot.waitForPush`) and tells whether it came. A wait that
 * timed out was counted as an error already, and the bot plays on: a slow sync is a figure of
 * the run, not a reason to log in again. The run stopping still ends the iteration.
 */
async function came<T>(waiting: Promise<T>): Promise<T | undefined> {
  try {
    return await waiting;
  } catch (err) {
    const code = codeOf(err);
    if (code === 'BOT_ERR_WAIT_TIMEOUT' || code === 'BOT_ERR_PUSH_TIMEOUT') return undefined;
    throw err;
  }
}

/** {@link came} for a `bot.waitFor`: true when what it waited for happened. */
async function held(waiting: Promise<void>): Promise<boolean> {
  return (await came(waiting.then(() => true))) === true;
}

/** Waits until the bot's hero is in view and standing (at once when it is): after login, a space change or a death. */
async function standing(bot: Bot, state: Connection): Promise<void> {
  const hero = ownHero(bot.world, state.heroId);
  if (hero && hpOf(hero) > 0) {
    state.heroId = hero.id;
    return;
  }
  await bot.waitFor(
    (world) => {
      const found = ownHero(world, state.heroId);
      return found !== undefined && hpOf(found) > 0;
    },
    { label: hero ? 'respawn' : 'hero', timeoutMs: HERO.respawnMs + 10_000 },
  );
  state.heroId = ownHero(bot.world, state.heroId)?.id;
}

/** Sends a direction when it differs from the one the hero walks in. */
async function steer(bot: Bot, state: Connection, direction: Point): Promise<void> {
  const space = bot.world.space?.id;
  // Entering a space stops the hero, whatever it was told before.
  const heading = state.headingSpace === space ? state.heading : STOP;
  if (!turned(heading, direction)) return;
  state.heading = direction;
  state.headingSpace = space;
  await attempt(bot, PLAY_REFUSALS, 'Controls.move', direction.x, direction.y);
}

type StepOutcome = 'moved' | 'arrived' | 'attacked' | 'killed' | 'elsewhere';

/**
 * One step: on its feet, the hero attacks the nearest monster within reach, walks towards the
 * nearest one within `huntRange`, or else towards `goal`.
 */
async function step(bot: Bot, state: Connection, goal: Point, huntRange: number): Promise<StepOutcome> {
  await standing(bot, state);
  const hero = ownHero(bot.world, state.heroId);
  const at = hero && positionOf(hero);
  if (!at) {
    // Between two spaces: the mirror is being refilled.
    await bot.think(STEP);
    return 'elsewhere';
  }
  bot.check(at.x >= 0 && at.x <= ARENA_SIZE && at.y >= 0 && at.y <= ARENA_SIZE, 'hero inside the arena', `at (${at.x}, ${at.y})`);
  const prey = nearestMonster(bot.world, at, huntRange);
  const preyAt = prey && positionOf(prey);
  if (prey && preyAt && distance(preyAt, at) <= REACH) {
    await steer(bot, state, STOP);
    state.kill = undefined;
    const outcome = await attempt<AttackResult>(bot, PLAY_REFUSALS, 'Controls.attack', prey.id);
    if (outcome?.result === 'killed') await confirmKill(bot, state, prey.id, outcome.xp);
    await bot.think(AFTER_ATTACK);
    return outcome?.result === 'killed' ? 'killed' : 'attacked';
  }
  const direction = directionTo(at, preyAt ?? goal, preyAt ? 0 : 2);
  await steer(bot, state, direction);
  await bot.think(STEP);
  return direction.x === 0 && direction.y === 0 ? 'arrived' : 'moved';
}

/** A kill: its reply, its `arena.kill` push, and the experience synced to the mirror after it. */
async function confirmKill(bot: Bot, state: Connection, target: string, xp: number): Promise<void> {
  bot.check(xp === MONSTER.xp, "kill: the reply gives the monster's experience", `xp ${xp}`);
  const push = state.kill?.target === target ? state.kill : await came(bot.waitForPush<KillPush>('arena.kill', { where: (body) => body.target === target, timeoutMs: 5_000 }));
  if (!push) return;
  bot.check(push.xp === MONSTER.xp && push.kills >= 1 && push.totalXp >= MONSTER.xp, 'kill: arena.kill pushed', JSON.stringify(push));
  await held(
    bot.waitFor(
      (world) => {
        const hero = ownHero(world, state.heroId);
        return hero !== undefined && experienceOf(hero, 'xp') >= push.totalXp;
      },
      { label: 'xp synced', timeoutMs: 5_000 },
    ),
  );
}

/** `arena.look`, checked against the mirror. */
async function look(bot: Bot, state: Connection): Promise<void> {
  const space = bot.world.space?.id;
  const view = await bot.request<View>('arena.look');
  if (state.heroId !== undefined) bot.check(view.you?.id === state.heroId, 'look: sees its own hero', JSON.stringify(view.you));
  // A space change while the request was on its way makes either answer right.
  if (space !== undefined && bot.world.space?.id === space) bot.check(view.space?.id === space, 'look: the space the mirror shows', `${view.space?.id} vs ${space}`);
}

/** `leaderboard.top`, best first. */
async function leaderboard(bot: Bot): Promise<void> {
  const top = await attempt<RankEntry[]>(bot, new Set(['ARENA_ERR_NO_LEADERBOARD']), 'leaderboard.top', 10);
  if (!top) return;
  bot.check(top.length <= 10 && top.every((entry, i) => i === 0 || top[i - 1]!.xp >= entry.xp), 'leaderboard: best first', JSON.stringify(top));
}

/** A round in the field: towards a monster's home (or anywhere, now and then), hunting what it meets. */
async function roam(bot: Bot, state: Connection): Promise<void> {
  await look(bot, state);
  const home = MONSTER.homes[Math.floor(bot.random() * MONSTER.homes.length)]!;
  const goal = bot.random() < 0.7 ? { x: home.x + (bot.random() - 0.5) * 16, y: home.y + (bot.random() - 0.5) * 16 } : { x: 5 + bot.random() * 90, y: 5 + bot.random() * 90 };
  for (let i = 0; i < FIELD_STEPS && bot.running && bot.world.space?.type === FIELD.type; i++) {
    const outcome = await step(bot, state, goal, HUNT_RANGE);
    if (outcome === 'killed' || outcome === 'arrived') return;
  }
}

/** Queues for a 2v2 match, waits until it opens, and plays it. */
async function queue(bot: Bot, state: Connection): Promise<void> {
  await steer(bot, state, STOP);
  const ticket = await attempt<TicketStatus>(bot, new Set(['ARENA_ERR_QUEUE_REFUSED', 'ARENA_ERR_IN_MATCH']), 'arena.queue');
  if (!ticket) {
    // Queued already (a ticket left from a connection before this one) or in a match the mirror does not show yet.
    await cancel(bot, state);
    return;
  }
  bot.check(ticket.state === 'waiting' && ticket.mode === MATCH.mode && ticket.owner === bot.uid, 'queue: a waiting 2v2 ticket of its own', JSON.stringify(ticket));
  state.queued = true;
  if (!(await held(bot.waitFor((world) => world.space?.type === MATCH.type, { label: 'match', timeoutMs: MATCH_WAIT_MS })))) {
    await cancel(bot, state);
    return;
  }
  state.queued = false;
  await playMatch(bot, state, true);
}

async function cancel(bot: Bot, state: Connection): Promise<void> {
  state.queued = false;
  await attempt(bot, new Set(['ARENA_ERR_QUEUE_REFUSED']), 'arena.cancel');
}

/**
 * Plays the match the bot is in until it ends or the bot leaves, then checks the result and the
 * way back to the field. `justEntered`: the bot saw it open (else it found itself in one after
 * logging in again, and its `arena.match` push went to its former connection).
 */
async function playMatch(bot: Bot, state: Connection, justEntered: boolean): Promise<void> {
  const spaceId = bot.world.space!.id;
  const entered = justEntered ? (state.entered?.spaceId === spaceId ? state.entered : await came(bot.waitForPush<MatchEntered>('arena.match', { where: (body) => body.spaceId === spaceId, timeoutMs: 5_000 }))) : undefined;
  if (entered) bot.check(entered.teams[entered.team]?.includes(bot.uid) === true, 'match: in its own team', JSON.stringify(entered));
  const leaveAt = bot.random() < LEAVE_SHARE ? 5 + Math.floor(bot.random() * 20) : Infinity;
  let left = false;
  for (let i = 0; bot.world.space?.id === spaceId; i++) {
    if (!bot.running) return;
    if (i >= MATCH_MAX_STEPS) {
      bot.check(false, 'match: over within its time limit', spaceId);
      left = true;
    } else if (i === leaveAt) {
      left = true;
    }
    if (left) {
      await attempt(bot, new Set(['ARENA_ERR_NOT_IN_MATCH']), 'arena.leave');
      break;
    }
    // Every monster of a match is prey: the match ends when they are all slain.
    await step(bot, state, MATCH_CENTRE, Infinity);
  }
  const back = await held(bot.waitFor((world) => world.space?.type === FIELD.type, { label: 'back to the field', timeoutMs: 10_000 }));
  if (!back || left || !entered) return;
  // The result is pushed before the move back to the field, so it is here by now.
  const result = state.result?.spaceId === spaceId ? state.result : undefined;
  bot.check(result !== undefined, 'match: arena.result pushed', spaceId);
  if (result) {
    const won = result.winner === result.team;
    bot.check(result.team === entered.team && result.xp === (won ? MATCH.winXp : 0), 'match: the result for its team', JSON.stringify(result));
  }
}

export default defineScenario({
  name: 'arena-play',
  description: 'roams the field hunting monsters, queues for 2v2 matches and plays them to the end; checks kills, results and the synced world',
  accounts: { prefix: 'arena-bot' },
  async setup(bot) {
    await standing(bot, connectionOf(bot));
  },
  async iteration(bot) {
    const state = connectionOf(bot);
    await standing(bot, state);
    if (bot.world.space?.type === MATCH.type) return playMatch(bot, state, false);
    if (bot.random() < LEADERBOARD_SHARE) await leaderboard(bot);
    if (bot.random() < MATCH_SHARE) await queue(bot, state);
    else await roam(bot, state);
  },
  async teardown(bot) {
    // A ticket left behind would be swept only later, and refuse the account's next queue meanwhile.
    if (connections.get(bot.client)?.queued) await cancel(bot, connectionOf(bot));
  },
  // The 95th percentiles hold the game to its targets; the 99th only to no stall of half a second:
  // the bots and the server may share a machine, whose other work shows in the slowest percent.
  objectives: [
    { kind: 'latency', route: 'Controls.move', percentile: 95, belowMs: 100 },
    { kind: 'latency', route: 'Controls.move', percentile: 99, belowMs: 500 },
    { kind: 'latency', route: 'Controls.attack', percentile: 95, belowMs: 150 },
    { kind: 'latency', route: 'arena.look', percentile: 95, belowMs: 100 },
    { kind: 'errorRate', route: 'Controls.move', below: 0.01 },
    { kind: 'errorRate', route: 'arena.look', below: 0.01 },
    { kind: 'errorRate', route: 'arena.queue', below: 0.01 },
  ],
});
