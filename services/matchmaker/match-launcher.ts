/**
 * Launching a formed match: the step that reaches lobbies and gates, behind {@link MatchLauncher}
 * so that forming and storing tickets are tested without them. {@link ClusterMatchLauncher}
 * creates the match's space on the least loaded lobby (its `spaces` service) and moves every
 * player into it through the gate that holds the player's session (the gate's `move`).
 *
 * A lobby's load report lags behind what this launcher just sent it: a pass that launches many
 * matches would send them all to the lobby that was least loaded at its last report. So the
 * players sent to each lobby since its last report count as sessions it holds.
 */
import type { Discovery, LoadReport, ServerInfo } from '../../engine/cluster/discovery.js';
import { compareLoad } from '../../engine/cluster/select.js';
import type { Logger } from '../../engine/log/types.js';
import type { MatchSpaceData } from '../../engine/matchmaking/matchmaker-contract.js';
import type { RpcNode } from '../../engine/rpc/rpc-node.js';
import { GATE_SERVICE } from '../../engine/session/session-contract.js';

/** The RPC service every lobby serves for creating spaces. */
export const SPACES_SERVICE = 'spaces';

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
  /** Players whose move failed (their gate could not be reached, the session ended): logged, left where they are. */
  unmoved: string[];
}

/** Starts formed matches. */
export interface MatchLauncher {
  /**
   * Creates the match's space and moves its players into it.
   * @throws Error when the space could not be created (no lobby, a lobby that failed): the
   *   matchmaker puts the tickets back.
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

  constructor(private readonly options: ClusterMatchLauncherOptions) {}

  async launch(plan: MatchPlan): Promise<LaunchResult> {
    const { rpc, discovery, lobbyType, callTimeoutMs, logger } = this.options;
    const lobby = this.pickLobby(discovery.servers(lobbyType), plan.players.length);
    if (!lobby) throw new Error(`no server of type ${lobbyType} is registered`);
    const data: MatchSpaceData = { mode: plan.mode, teams: plan.teams };
    const space = (await rpc.call(lobby.id, SPACES_SERVICE, 'create', [plan.space, { data }], { timeoutMs: callTimeoutMs })) as SpaceRef;
    const moves = await Promise.allSettled(
      plan.players.map((p) => rpc.call(p.gateId, GATE_SERVICE, 'move', [p.sessionId, space.lobbyId, space.id], { timeoutMs: callTimeoutMs })),
    );
    const unmoved: string[] = [];
    moves.forEach((result, i) => {
      if (result.status === 'fulfilled') return;
      const player = plan.players[i]!;
      unmoved.push(player.uid);
      logger.warn('matchmaker: a player could not be moved into its match', { matchId: plan.matchId, uid: player.uid, gate: player.gateId, space: space.id, err: result.reason });
    });
    return { space, unmoved };
  }

  /** The lobby with the fewest sessions, counting the players sent to it since its last load report. */
  private pickLobby(lobbies: readonly ServerInfo[], players: number): ServerInfo | undefined {
    const live = new Set(lobbies.map((l) => l.id));
    for (const id of this.sent.keys()) if (!live.has(id)) this.sent.delete(id);
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
