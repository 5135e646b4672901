/**
 * The first part of a lobby's drain: it empties the lobby by live migration while it still serves.
 * Discovery shows it draining already (the cluster member drains first), so no gate binds a new
 * session here and no space or match is placed here; then, pass after pass until nothing is left
 * or `drainTimeoutMs` is up:
 *
 *   targets   the other lobbies that are not draining and run the same version or a newer one
 *             (a lobby never hands state to older code)
 *   evacuate  every player bound here through its gate (entity-migration.ts; the gate holds the
 *             player's requests meanwhile), into the target's start space, and every entity of the
 *             lobby's own world (globals included) straight to a target (lobby/evacuate.ts)
 *   wait      until no player's avatar is left here: neither one bound to a session nor one whose
 *             move is under way (its session is detached before its avatar is saved and sent)
 *
 * A player who binds here late (a gate that had not seen the mark yet) is moved at the next pass;
 * one still here {@link RETRY_MS} after its move was asked (or its gate failed the ask) is asked
 * again. An entity whose move failed is not tried again. Entities inside spaces stay with their
 * space, which the rest of the drain saves.
 */
import type { Discovery, ServerInfo } from '../engine/cluster/discovery.js';
import { serving } from '../engine/cluster/select.js';
import type { Logger } from '../engine/log/types.js';
import type { Clock } from '../engine/timer/clock.js';
import { evacuate, type EvacuationSource } from './evacuate.js';
import { PlayerEntity } from './player-entity.js';

/** Time between two passes of a drain. */
const PASS_MS = 250;
/** A player still bound here this long after its move was asked is asked again. */
export const RETRY_MS = 10_000;

/** What {@link emptyLobby} needs. */
export interface EmptyLobbyOptions {
  /** The lobby's worlds and migration. */
  source: EvacuationSource;
  discovery: Pick<Discovery, 'servers' | 'self'>;
  clock: Clock;
  logger: Logger;
  /** Longest time the lobby waits for its players and entities to answer elsewhere (`lobby.drainTimeoutMs`). */
  timeoutMs: number;
}

/** What {@link emptyLobby} did. */
export interface EmptyLobbyReport {
  /** Players whose move was asked of their gate (a player asked twice counts twice). */
  players: number;
  /** Entities of the lobby's own world that answer on another lobby now. */
  moved: number;
  /** Players still here at the end: they are closed and saved by the rest of the drain. */
  left: number;
  /** Entities whose move failed: they stay and are saved here. */
  failed: string[];
}

/**
 * Compares two versions by semantic-version precedence: the release parts (`1.2.3`) as numbers, a
 * missing part as 0; then a pre-release (`1.2.3-rc.1`) before its release, pre-release parts
 * compared one by one (numbers as numbers, below text, text as text; fewer parts first); build
 * metadata (after `+`) ignored.
 * @returns a negative number when `a` is older than `b`, 0 when they are the same, positive when newer.
 */
export function compareVersions(a: string, b: string): number {
  const [aRelease, aPre] = splitVersion(a);
  const [bRelease, bPre] = splitVersion(b);
  for (let i = 0; i < Math.max(aRelease.length, bRelease.length); i++) {
    const order = comparePart(aRelease[i] ?? '0', bRelease[i] ?? '0');
    if (order !== 0) return order;
  }
  if (aPre === undefined || bPre === undefined) return aPre === bPre ? 0 : aPre === undefined ? 1 : -1;
  for (let i = 0; i < Math.min(aPre.length, bPre.length); i++) {
    const order = comparePart(aPre[i]!, bPre[i]!);
    if (order !== 0) return order;
  }
  return aPre.length - bPre.length;
}

// A version's release parts and its pre-release parts (undefined for a release), build metadata dropped.
function splitVersion(version: string): [string[], string[] | undefined] {
  const core = version.split('+')[0]!;
  const dash = core.indexOf('-');
  return dash < 0 ? [core.split('.'), undefined] : [core.slice(0, dash).split('.'), core.slice(dash + 1).split('.')];
}

function comparePart(x: string, y: string): number {
  const [xn, yn] = [/^\d+$/.test(x), /^\d+$/.test(y)];
  if (xn && yn) return Number(x) - Number(y);
  if (xn !== yn) return xn ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The lobbies a draining lobby may move what it holds to: same type, not itself, not draining, and
 * running the same version or a newer one.
 */
export function drainTargets(self: ServerInfo, servers: readonly ServerInfo[]): ServerInfo[] {
  return serving(servers).filter((server) => server.type === self.type && server.id !== self.id && compareVersions(server.version, self.version) >= 0);
}

/**
 * Moves the lobby's players and entities to other lobbies and waits until its players answer
 * there (see the file's header). Never rejects: what could not move is reported and left to the
 * rest of the drain.
 */
export async function emptyLobby(options: EmptyLobbyOptions): Promise<EmptyLobbyReport> {
  const { source, discovery, clock, logger, timeoutMs } = options;
  const report: EmptyLobbyReport = { players: 0, moved: 0, left: 0, failed: [] };
  const self = discovery.self;
  const asked = new Map<string, number>();
  const failed = new Set<string>();
  // A player is here while its avatar is: bound, or on its way out (asked, not yet handed over).
  const playersLeft = (): number => source.all.list().filter((entity) => entity instanceof PlayerEntity && (entity.session !== undefined || asked.has(entity.id))).length;
  if (!self) return { ...report, left: playersLeft() };
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    const peers = discovery.servers(self.type).filter((server) => server.id !== self.id);
    const targets = drainTargets(self, peers).map((server) => server.id);
    if (targets.length === 0) {
      // Alone (standalone, or the last lobby) is the usual case; other lobbies that cannot take the players are worth a warning.
      logger[peers.length === 0 ? 'info' : 'warn']('lobby: no lobby to move players to; draining in place', { version: self.version, lobbies: peers.length });
      break;
    }
    const now = clock.now();
    const pass = await evacuate(source, targets, (entity) => failed.has(entity.id) || now - (asked.get(entity.id) ?? -Infinity) < RETRY_MS);
    for (const id of pass.asked) asked.set(id, now);
    for (const failure of pass.failed) {
      if (!failure.player) failed.add(failure.id);
      report.failed.push(`${failure.id}: ${failure.error}`);
    }
    report.players += pass.players;
    report.moved += pass.moved;
    const homeLeft = source.home.list().some((entity) => !failed.has(entity.id) && !(entity instanceof PlayerEntity));
    if ((playersLeft() === 0 && !homeLeft) || clock.now() >= deadline) break;
    await sleep(clock, Math.min(PASS_MS, Math.max(0, deadline - clock.now())));
  }
  report.left = playersLeft();
  const log = report.left > 0 || report.failed.length > 0 ? 'warn' : 'info';
  logger[log]('lobby: drained by migration', { players: report.players, moved: report.moved, left: report.left, failed: report.failed.slice(0, 20) });
  return report;
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(resolve, ms));
}
