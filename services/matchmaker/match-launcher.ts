/**
 * Launching a formed match: the step that reaches lobbies and gates, behind {@link MatchLauncher}
 * so that forming and storing tickets are tested without them. {@link ClusterMatchLauncher}
 * creates the match's space on the least loaded lobby (its `spaces` service) and moves every
 * player into it through the gate that holds the player's session (the gate's `moveAndWait`, which
 * answers once the move is done or failed: a launch lasts until its players are moved, so the
 * matchmaker's bound on launches at once bounds the moves in flight too).
 *
 * A lobby's load report lags behind what this launcher just sent it: a pass that launches many
 * matches would send them all to the lobby that was least loaded at its last report. So the
 * players sent to each lobby since its last report count as sessions it holds.
 *
 * A lobby that hosts `lobby.maxSpaces` spaces refuses the space (SPACE_ERR_TOO_MANY): the next
 * least loaded is asked, each lobby at most once per launch, and the full one is left out of
 * every launch until its next load report. When every lobby is full the launch fails, and the
 * matchmaker puts the tickets back.
 */
import type { Discovery, LoadReport, ServerInfo } from '../../engine/cluster/discovery.js';
import { FullServers } from '../../engine/cluster/full-servers.js';
import { compareLoad, serving } from '../../engine/cluster/select.js';
import type { Logger } from '../../engine/log/types.js';
import type { MatchSpaceData } from '../../engine/matchmaking/matchmaker-contract.js';
import type { RpcNode } from '../../engine/rpc/rpc-node.js';
import { GATE_SERVICE, MOVE_OUTCOME, type MoveOutcome } from '../../engine/session/session-contract.js';

/** The RPC service every lobby serves for creating spaces. */
export const SPACES_SERVICE = 'spaces';

/** The code a lobby's `spaces.create` answers when it hosts as many spaces as it may (lobby/space-errors.ts). */
export const SPACE_TOO_MANY_CODE = 'SPACE_ERR_TOO_MANY';

/** Where one player of a match is connected, as the online index says. */
export interface MatchPlayer {
  uid: string;
  gateId: string;
  sessionId: string;
}

/** A match ready to launch: its tickets are claimed and every player was online. */
export interface MatchPlan {
  /** Unique per match. */
  matchId: string;
  mode: string;
  /** The space type to create (the mode's `space`). */
  space: string;
  /** The uids of each team. */
  teams: string[][];
  players: MatchPlayer[];
}

/** A space as a lobby's `spaces.create` answers it. */
export interface SpaceRef {
  id: string;
  type: string;
  lobbyId: string;
}

/** What became of a launched match. */
export interface LaunchResult {
  space: SpaceRef;
  /** Players whose gate reports the move done: they are in the match's space. */
  moved: string[];
  /**
   * Players whose gate reports that the move failed (refused, or the bind on the match's lobby
   * failed and the session was bound back): they are where they were, outside the match.
   */
  failed: string[];
  /**
   * Players whose session had ended, or whose gate did not answer within the deadline (the move
   * may still be done): not known to be outside the match.
   */
  unconfirmed: string[];
}

/** Starts formed matches. */
export interface MatchLauncher {
  /**
   * Creates the match's space and moves its players into it.
   * @throws Error when the space could not be created (no lobby, every lobby full, a lobby that
   *   failed): the matchmaker puts the tickets back.
   */
  launch(plan: MatchPlan): Promise<LaunchResult>;
}

/** What a {@link ClusterMatchLauncher} needs. */
export interface ClusterMatchLauncherOptions {
  rpc: RpcNode;
  discovery: Discovery;
  /** The server type hosting spaces: `lobby`, or `standalone` in one process. */
  lobbyType: string;
  /** Deadline of each call to a lobby or a gate. */
  callTimeoutMs: number;
  logger: Logger;
}

/** Launches matches on the cluster's lobbies. */
export class ClusterMatchLauncher implements MatchLauncher {
  /** Players sent to each lobby since the load report they were sent under. */
  private readonly sent = new Map<string, { report: LoadReport; players: number }>();
  /** Lobbies that refused a space for hosting as many as they may, until their next load report. */
  private readonly full = new FullServers();

  constructor(private readonly options: ClusterMatchLauncherOptions) {}

  async launch(plan: MatchPlan): Promise<LaunchResult> {
    const { rpc, callTimeoutMs, logger } = this.options;
    const space = await this.createSpace(plan);
    const moves = await Promise.allSettled(
      plan.players.map((p) => rpc.call(p.gateId, GATE_SERVICE, 'moveAndWait', [p.sessionId, space.lobbyId, space.id], { timeoutMs: callTimeoutMs }) as Promise<MoveOutcome>),
    );
    const result: LaunchResult = { space, moved: [], failed: [], unconfirmed: [] };
    moves.forEach((move, i) => {
      const player = plan.players[i]!;
      const outcome = move.status === 'fulfilled' ? move.value : undefined;
      if (outcome === MOVE_OUTCOME.MOVED) {
        result.moved.push(player.uid);
        return;
      }
      if (outcome === MOVE_OUTCOME.FAILED) result.failed.push(player.uid);
      else result.unconfirmed.push(player.uid);
      const err = move.status === 'rejected' ? move.reason : undefined;
      logger.warn('matchmaker: a player could not be moved into its match', { matchId: plan.matchId, uid: player.uid, gate: player.gateId, space: space.id, outcome, err });
    });
    return result;
  }

  /**
   * Creates the match's space on the lobby {@link pickLobby} picks; on SPACE_ERR_TOO_MANY, on the
   * next one, each lobby at most once.
   * @throws Error when no lobby is registered, or each refused since its last load report; the
   *   last lobby's RemoteError SPACE_ERR_TOO_MANY when every one asked refused; what another
   *   failed call throws.
   */
  private async createSpace(plan: MatchPlan): Promise<SpaceRef> {
    const { rpc, discovery, lobbyType, callTimeoutMs } = this.options;
    const data: MatchSpaceData = { mode: plan.mode, teams: plan.teams };
    const players = plan.players.length;
    const asked = new Set<string>();
    let refused: unknown;
    for (;;) {
      // A draining lobby takes no new match: its players are leaving it.
      const lobbies = serving(discovery.servers(lobbyType));
      if (lobbies.length === 0) throw new Error(`no server of type ${lobbyType} is registered and serving`);
      const live = new Set(lobbies.map((l) => l.id));
      for (const id of this.sent.keys()) if (!live.has(id)) this.sent.delete(id);
      const lobby = this.pickLobby(this.full.without(lobbies).filter((l) => !asked.has(l.id)), players);
      if (!lobby) throw refused ?? new Error(`each of the ${lobbies.length} servers of type ${lobbyType} refused a space since its last load report (${SPACE_TOO_MANY_CODE})`);
      asked.add(lobby.id);
      try {
        return (await rpc.call(lobby.id, SPACES_SERVICE, 'create', [plan.space, { data }], { timeoutMs: callTimeoutMs })) as SpaceRef;
      } catch (err) {
        if ((err as { code?: unknown } | undefined)?.code !== SPACE_TOO_MANY_CODE) throw err;
        // Left out until its next report, which also ends the count of players sent to it.
        this.full.mark(lobby);
        refused = err;
      }
    }
  }

  /** The lobby with the fewest sessions, counting the players sent to it since its last load report; they are counted now. */
  private pickLobby(lobbies: readonly ServerInfo[], players: number): ServerInfo | undefined {
    let best: ServerInfo | undefined;
    let bestSessions = 0;
    for (const lobby of lobbies) {
      const sent = this.sent.get(lobby.id);
      const sessions = lobby.load.sessions + (sent?.report === lobby.load ? sent.players : 0);
      if (!best || sessions < bestSessions || (sessions === bestSessions && compareLoad(lobby, best) < 0)) {
        best = lobby;
        bestSessions = sessions;
      }
    }
    if (best) {
      const sent = this.sent.get(best.id);
      this.sent.set(best.id, { report: best.load, players: (sent?.report === best.load ? sent.players : 0) + players });
    }
    return best;
  }
}
