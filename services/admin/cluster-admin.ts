/**
 * The admin API's work across the cluster: servers from discovery, live figures and session
 * places from each server's `admin` RPC service (engine/admin/), kicks through the gate's own
 * `gate.kick`, system messages through the cluster push, groups and each gate's broadcast, and an
 * entity's persisted state from the store. The HTTP routes (admin-routes.ts) only shape requests
 * and answers around it.
 */
import { ADMIN_SERVICE, type AvatarPlace, type GateSessionInfo, type LiveEntity, type ReloadReport, type ServerStats } from '../../engine/admin/admin-contract.js';
import { AdminError, type AdminErrorCode } from '../../engine/admin/errors.js';
import type { Discovery, LoadReport } from '../../engine/cluster/discovery.js';
import type { Groups } from '../../engine/hub/groups.js';
import type { OnlineIndex } from '../../engine/hub/online-index.js';
import type { ClusterPush } from '../../engine/hub/cluster-push.js';
import type { Logger } from '../../engine/log/types.js';
import type { DocumentData, Store } from '../../engine/persist/store.js';
import { RemoteError } from '../../engine/rpc/errors.js';
import { PROTOCOL_RANGE_META_KEY, RPC_RANGE_META_KEY } from '../../engine/rpc/rpc-versions.js';
import { GATE_SERVICE } from '../../engine/session/session-contract.js';
import type { Clock } from '../../engine/timer/clock.js';
import { MsgpackCodec } from '../../engine/codec/msgpack-codec.js';
import type { AccountStore } from '../login/account-store.js';

/** The route system messages are pushed on. */
export const SYSTEM_MESSAGE_ROUTE = 'sys.message';

/** How long `stats()` waits for each server: well inside the dashboard's 2 s poll. */
export const STATS_TIMEOUT_MS = 1_500;

/** How long every other call to a server waits. */
export const CALL_TIMEOUT_MS = 5_000;

/** How long a lobby gets to load, compare and swap in its game code. */
export const RELOAD_TIMEOUT_MS = 60_000;

/** One server as `GET /admin/servers` lists it. */
export interface ServerEntry {
  id: string;
  type: string;
  host: string;
  address: string;
  version: string;
  /** The RPC contract and client protocol versions it speaks (`"min-max"`), as its registration states them; absent for a build that states none. */
  speaks: { rpc?: string; protocol?: string };
  startedAt: number;
  load: LoadReport;
  /** Draining: asked to through this API, or marked so in its registration; still registered. */
  draining: boolean;
}

/** One server's answer in `GET /admin/stats` with its lifecycle state (`ready`, `draining`, ...); `ok: false` alone when it did not answer. */
export type StatsEntry = ({ id: string; type: string; ok: true } & ServerStats) | { id: string; type: string; ok: false };

/** One lobby's answer in `POST /admin/reload`: its report, or why it gave none. */
export type ReloadEntry = { id: string; report: ReloadReport } | { id: string; error: { code: string; wire: number; message: string } };

/** Where an account is, as `GET /admin/sessions` answers. */
export interface SessionPlace {
  account: string;
  username?: string;
  online: boolean;
  gate?: string;
  session?: string;
  lobby?: string;
  /** The id of the account's avatar on that lobby. */
  avatar?: string;
  space?: string;
}

/** Who a system message goes to. */
export type MessageTarget = { account: string } | { group: string } | { everyone: true };

/** What {@link ClusterAdmin} needs. */
export interface ClusterAdminOptions {
  rpc: { readonly serverId: string; call(serverId: string, service: string, method: string, args: readonly unknown[], options?: { timeoutMs?: number }): Promise<unknown> };
  discovery: Pick<Discovery, 'servers' | 'server'>;
  online: Pick<OnlineIndex, 'lookup'>;
  push: Pick<ClusterPush, 'push'>;
  groups: Pick<Groups, 'members' | 'broadcast'>;
  store: Pick<Store, 'load'>;
  accounts: Pick<AccountStore, 'find'>;
  /** The type gates register as (`standalone` in one process). */
  gateType: string;
  /** The type lobbies register as (`standalone` in one process). */
  lobbyType: string;
  clock: Clock;
  logger: Logger;
}

/** The cluster as the admin API sees and steers it. */
export class ClusterAdmin {
  /** Servers asked to drain, until they leave discovery. */
  private readonly draining = new Set<string>();

  constructor(private readonly options: ClusterAdminOptions) {}

  /** Every registered server with its last load report. */
  servers(): ServerEntry[] {
    const servers = this.options.discovery.servers();
    const live = new Set(servers.map((s) => s.id));
    for (const id of this.draining) if (!live.has(id)) this.draining.delete(id);
    return servers.map((s) => ({
      id: s.id,
      type: s.type,
      host: hostOf(s.id, s.type),
      address: s.address,
      version: s.version,
      speaks: {
        ...(s.meta[RPC_RANGE_META_KEY] === undefined ? {} : { rpc: s.meta[RPC_RANGE_META_KEY] }),
        ...(s.meta[PROTOCOL_RANGE_META_KEY] === undefined ? {} : { protocol: s.meta[PROTOCOL_RANGE_META_KEY] }),
      },
      startedAt: s.startedAt,
      load: { ...s.load },
      draining: this.draining.has(s.id) || s.draining === true,
    }));
  }

  /** Live figures from every server at once, each within {@link STATS_TIMEOUT_MS}. */
  async stats(): Promise<{ at: number; servers: StatsEntry[] }> {
    const servers = this.options.discovery.servers();
    const answers = await Promise.all(
      servers.map(async ({ id, type }): Promise<StatsEntry> => {
        try {
          const stats = (await this.options.rpc.call(id, ADMIN_SERVICE, 'stats', [], { timeoutMs: STATS_TIMEOUT_MS })) as ServerStats;
          return { id, type, ok: true, ...stats };
        } catch (err) {
          this.options.logger.debug('admin: server did not answer stats', { serverId: id, err });
          return { id, type, ok: false };
        }
      }),
    );
    return { at: this.options.clock.now(), servers: answers };
  }

  /**
   * Where an account is: its gate and session from the online index, its lobby from the gate,
   * its space from the lobby. `username` finds the account first.
   * @throws AdminError ADMIN_ERR_NOT_FOUND for an unknown username; what the index or store throws.
   */
  async findSession(by: { account: string } | { username: string }): Promise<SessionPlace> {
    let account: string;
    let username: string | undefined;
    if ('username' in by) {
      const found = await this.options.accounts.find(by.username);
      if (!found) throw new AdminError('ADMIN_ERR_NOT_FOUND', `no account named ${JSON.stringify(by.username)}`);
      account = found.uid;
      username = found.username;
    } else {
      account = by.account;
    }
    const place: SessionPlace = { account, ...(username === undefined ? {} : { username }), online: false };
    const entry = await this.options.online.lookup(account);
    if (!entry) return place;
    Object.assign(place, { online: true, gate: entry.gateId, session: entry.sessionId });
    const session = await this.ask<GateSessionInfo | null>(entry.gateId, 'session', [entry.sessionId]).catch(() => null);
    if (!session?.lobby) return place;
    place.lobby = session.lobby;
    const avatar = await this.ask<AvatarPlace | null>(session.lobby, 'where', [account]).catch(() => null);
    if (avatar) place.avatar = avatar.entity;
    if (avatar?.space !== undefined) place.space = avatar.space;
    return place;
  }

  /**
   * Ends the account's session with a KICK carrying `reason` (GATE_ERR_KICKED).
   * @returns false when the account is not logged in.
   * @throws AdminError ADMIN_ERR_UNREACHABLE when its gate does not answer.
   */
  async kick(account: string, reason: string): Promise<boolean> {
    const entry = await this.options.online.lookup(account);
    if (!entry) return false;
    await this.call(entry.gateId, GATE_SERVICE, 'kick', [entry.sessionId, reason]);
    return true;
  }

  /**
   * Pushes `{ text, from: 'admin', at }` on {@link SYSTEM_MESSAGE_ROUTE}.
   * @returns how many sessions it was sent to, and how many addressed accounts are offline.
   */
  async message(to: MessageTarget, text: string): Promise<{ delivered: number; offline: number }> {
    const body = { text, from: 'admin', at: this.options.clock.now() };
    if ('account' in to) {
      const result = await this.options.push.push([to.account], SYSTEM_MESSAGE_ROUTE, body);
      return { delivered: 1 - result.offline.length - result.unreached.length, offline: result.offline.length };
    }
    if ('group' in to) {
      const members = await this.options.groups.members(to.group);
      const result = await this.options.groups.broadcast(to.group, SYSTEM_MESSAGE_ROUTE, body);
      return { delivered: Math.max(0, members.length - result.offline.length - result.unreached.length), offline: result.offline.length };
    }
    const gates = this.options.discovery.servers(this.options.gateType);
    // A gate that cannot be reached counts for nothing: its sessions are about to move anyway.
    const counts = await Promise.all(gates.map((gate) => this.ask<number>(gate.id, 'broadcast', [SYSTEM_MESSAGE_ROUTE, encodeBody(body)]).catch(() => 0)));
    return { delivered: counts.reduce((sum, n) => sum + n, 0), offline: 0 };
  }

  /**
   * Asks server `id` to drain (deregister, settle, save, stop), as SIGTERM would.
   * @throws AdminError ADMIN_ERR_NOT_FOUND for an unknown server, ADMIN_ERR_UNREACHABLE when it does not answer.
   */
  async drain(id: string): Promise<void> {
    this.known(id);
    await this.ask(id, 'beginDrain', []);
    this.draining.add(id);
    this.options.logger.warn('admin: server asked to drain', { serverId: id });
  }

  /**
   * Reloads gate `id`'s route rules: `rules`, or those of its configuration files.
   * @returns the rules now in force.
   * @throws AdminError ADMIN_ERR_NOT_FOUND for an unknown server or one that is not a gate;
   *   ADMIN_ERR_BAD_RULES for rules the gate refuses; ADMIN_ERR_UNREACHABLE.
   */
  async reloadRules(id: string, rules: Record<string, string> | undefined): Promise<Record<string, string>> {
    const server = this.known(id);
    if (server.type !== this.options.gateType) throw new AdminError('ADMIN_ERR_NOT_FOUND', `${id} is not a gate`);
    return this.ask<Record<string, string>>(id, 'reloadRules', [rules ?? null]);
  }

  /**
   * Reloads lobby `id`'s game code (lobby/reload/).
   * @returns its report: `ok` false when it refused the new code or failed to load it, and runs the old.
   * @throws AdminError ADMIN_ERR_NOT_FOUND for an unknown server or one without a lobby;
   *   ADMIN_ERR_NO_RELOAD for a lobby that cannot reload; ADMIN_ERR_UNREACHABLE.
   */
  async reload(id: string): Promise<ReloadReport> {
    this.known(id);
    const report = (await this.call(id, ADMIN_SERVICE, 'reload', [], RELOAD_TIMEOUT_MS)) as ReloadReport;
    this.options.logger.warn('admin: lobby reloaded its game code', { serverId: id, ok: report.ok, generation: report.generation, refused: report.refused });
    return report;
  }

  /** Reloads every lobby's game code at once; each answers its own report or error, and one's failure leaves the others' reloads as they are. */
  async reloadAll(): Promise<ReloadEntry[]> {
    const lobbies = this.options.discovery.servers(this.options.lobbyType);
    return Promise.all(
      lobbies.map(async ({ id }): Promise<ReloadEntry> => {
        try {
          return { id, report: await this.reload(id) };
        } catch (err) {
          const refusal = err instanceof AdminError ? err : new AdminError('ADMIN_ERR_UNREACHABLE', String(err), { cause: err });
          return { id, error: refusal.toBody().error };
        }
      }),
    );
  }

  /**
   * An entity's stored document (its data) and, from the first lobby that hosts it, its live state.
   * @throws what the store throws.
   */
  async entity(type: string, id: string): Promise<{ persisted: DocumentData | null; live: { server: string; state: LiveEntity['state'] } | null }> {
    const stored = await this.options.store.load(type, id);
    // Every server is asked: those without a lobby answer null.
    const answers = await Promise.all(this.options.discovery.servers().map(async (s) => ({ server: s.id, live: await this.ask<LiveEntity | null>(s.id, 'entity', [id]).catch(() => null) })));
    const found = answers.find((a) => a.live && a.live.type === type) ?? answers.find((a) => a.live);
    return { persisted: stored ? stored.data : null, live: found?.live ? { server: found.server, state: found.live.state } : null };
  }

  private known(id: string): { type: string } {
    const server = this.options.discovery.server(id);
    if (!server) throw new AdminError('ADMIN_ERR_NOT_FOUND', `no server ${JSON.stringify(id)}`);
    return server;
  }

  private ask<T>(serverId: string, method: string, args: readonly unknown[]): Promise<T> {
    return this.call(serverId, ADMIN_SERVICE, method, args) as Promise<T>;
  }

  // A coded refusal of the server's own (bad rules, no lobby) keeps its code; anything else means it did not answer.
  private async call(serverId: string, service: string, method: string, args: readonly unknown[], timeoutMs = CALL_TIMEOUT_MS): Promise<unknown> {
    try {
      return await this.options.rpc.call(serverId, service, method, args, { timeoutMs });
    } catch (err) {
      if (err instanceof RemoteError && isServerRefusal(err.code)) throw new AdminError(err.code, err.remoteMessage.replace(/^ADMIN_ERR_[A-Z_]+: [^:]+: /, ''), { cause: err });
      throw new AdminError('ADMIN_ERR_UNREACHABLE', `${serverId}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
}

/** The codes a server's `admin` service refuses with, passed on as they are. */
const SERVER_REFUSALS: readonly AdminErrorCode[] = ['ADMIN_ERR_BAD_RULES', 'ADMIN_ERR_NOT_FOUND', 'ADMIN_ERR_NO_RELOAD'];

function isServerRefusal(code: string): code is AdminErrorCode {
  return (SERVER_REFUSALS as readonly string[]).includes(code);
}

/** The host part of a discovery id (`<type>-<host>-<index>`), or the id itself when it is configured. */
function hostOf(id: string, type: string): string {
  const match = new RegExp(`^${type}-(.+)-\\d+$`).exec(id);
  return match ? match[1]! : id;
}

const encoder = new MsgpackCodec();

function encodeBody(body: unknown): Uint8Array {
  return encoder.encode(body);
}
