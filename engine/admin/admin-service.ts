/**
 * The `admin` RPC service every server answers (admin-contract.ts): its live figures, and what
 * its gate or lobby lends for a session lookup, a broadcast, a rules reload or a live entity.
 * A drain is answered at once and begun on the next turn, so that the caller has its reply
 * before this server deregisters.
 */
import { LoadSampler } from '../cluster/load-sampler.js';
import type { Module } from '../lifecycle/lifecycle.js';
import type { Logger } from '../log/types.js';
import type { Clock } from '../timer/clock.js';
import { ADMIN_METHODS, ADMIN_SERVICE, type AvatarPlace, type GateAdmin, type GateSessionInfo, type LiveEntity, type LobbyAdmin, type ReloadReport, type ServerStats } from './admin-contract.js';
import { AdminError } from './errors.js';

/** What {@link AdminService} needs. */
export interface AdminServiceOptions {
  rpc: { serve(name: string, impl: object, methods: readonly string[]): void; stats(): { pendingCalls: number } };
  clock: Clock;
  logger: Logger;
  /** The lifecycle state, reported by `stats()`. */
  state: () => string;
  /** Begins this server's drain (as SIGTERM would). */
  drain: () => void;
  gate?: GateAdmin | undefined;
  lobby?: LobbyAdmin | undefined;
}

/** One server's `admin` service. */
export class AdminService implements Module {
  readonly name = 'admin';
  private readonly sampler: LoadSampler;
  private draining = false;

  constructor(private readonly options: AdminServiceOptions) {
    const { gate, lobby } = options;
    this.sampler = new LoadSampler({ clock: options.clock, sessions: () => gate?.sessionCount ?? lobby?.sessionCount ?? 0, entities: () => lobby?.entityCount ?? 0 });
  }

  async start(): Promise<void> {
    this.options.rpc.serve(ADMIN_SERVICE, this, ADMIN_METHODS);
    this.sampler.start();
  }

  async stop(): Promise<void> {
    this.sampler.stop();
  }

  /** Live figures since the previous call. */
  stats(): ServerStats {
    const load = this.sampler.sample();
    const tick = this.options.lobby?.tick();
    return {
      sessions: load.sessions,
      entities: load.entities,
      cpu: load.cpu,
      eventLoopLagMs: load.eventLoopLagMs,
      ...(tick ? { tickMs: { mean: tick.mean, max: tick.max, p99: tick.p99 }, tickOverruns: tick.overruns } : {}),
      heapUsedBytes: process.memoryUsage().heapUsed,
      rpcPendingCalls: this.options.rpc.stats().pendingCalls,
      state: this.options.state(),
    };
  }

  /** A gate's session by id; `null` when this server holds no such session. */
  session(sessionId: string): GateSessionInfo | null {
    return this.options.gate?.session(String(sessionId)) ?? null;
  }

  /** Where this lobby hosts the account's avatar; `null` when it does not. */
  where(uid: string): AvatarPlace | null {
    return this.options.lobby?.where(String(uid)) ?? null;
  }

  /** Pushes `body` on `route` to every session of this gate; 0 on other roles. */
  async broadcast(route: string, body: Uint8Array): Promise<number> {
    return this.options.gate ? this.options.gate.broadcast(String(route), body) : 0;
  }

  /**
   * Reloads a gate's route rules: `rules`, or those of the configuration files when `null`.
   * @throws AdminError ADMIN_ERR_NOT_FOUND on a server without a gate; ADMIN_ERR_BAD_RULES for rules it refuses.
   */
  reloadRules(rules: Record<string, string> | null): Readonly<Record<string, string>> {
    const { gate, logger } = this.options;
    if (!gate) throw new AdminError('ADMIN_ERR_NOT_FOUND', 'this server has no gate');
    try {
      return gate.reloadRules(rules ?? undefined);
    } catch (err) {
      logger.warn('admin: route rules not reloaded; the old ones stay', { err });
      throw new AdminError('ADMIN_ERR_BAD_RULES', err instanceof Error ? err.message : String(err), { cause: err });
    }
  }

  /** A live entity of this lobby; `null` when it has none by that id. */
  entity(id: string): LiveEntity | null {
    return this.options.lobby?.entity(String(id)) ?? null;
  }

  /**
   * Reloads this lobby's game code; a reload the lobby refuses or fails is a report with `ok` false.
   * @throws AdminError ADMIN_ERR_NOT_FOUND on a server without a lobby; ADMIN_ERR_NO_RELOAD on a lobby that cannot reload.
   */
  async reload(): Promise<ReloadReport> {
    const { lobby, logger } = this.options;
    if (!lobby) throw new AdminError('ADMIN_ERR_NOT_FOUND', 'this server has no lobby');
    if (!lobby.reload) throw new AdminError('ADMIN_ERR_NO_RELOAD', 'this build reloads game code only by a restart');
    const report = await lobby.reload();
    logger.info('admin: game code reload requested', { ok: report.ok, generation: report.generation });
    return report;
  }

  /** Begins the drain on the next turn; a second request while draining does nothing more. */
  beginDrain(): { draining: true } {
    if (!this.draining) {
      this.draining = true;
      this.options.logger.warn('admin: drain requested');
      setImmediate(() => this.options.drain());
    }
    return { draining: true };
  }
}
