/**
 * Makes a started RPC node a member of the cluster: registers it in discovery with the address it
 * listens on (taking the readable id discovery assigns unless one is configured), resolves peers
 * and names through discovery, and reports its load on an interval. Add it to the lifecycle after
 * the discovery and the RPC node: it starts last and stops first.
 */
import type { Discovery, LoadReport, ServerInfo } from '../cluster/discovery.js';
import { LoadReporter, LoadSampler } from '../cluster/load-sampler.js';
import type { Module } from '../lifecycle/lifecycle.js';
import type { Logger } from '../log/types.js';
import type { Clock } from '../timer/clock.js';
import type { RpcNode } from './rpc-node.js';

/** Settings of a {@link ClusterMember}. */
export interface ClusterMemberOptions {
  rpc: RpcNode;
  discovery: Discovery;
  /** A fixed server id; when left out, discovery assigns `<type>-<host>-<index>`. */
  id?: string;
  /** The server's role: `gate`, `lobby`, … */
  type: string;
  /** Host part of the readable id. */
  host: string;
  /** The build this server runs. */
  version: string;
  clock: Clock;
  logger: Logger;
  /** Sessions this server holds, for load reports. */
  sessions(): number;
  /** Live entities, for load reports. */
  entities(): number;
  /** Time between load reports. */
  loadReportIntervalMs: number;
  /**
   * What the server publishes besides its address (a gate's client endpoints), read once at
   * registration, after the modules added before this one have started.
   */
  meta?(): Record<string, string>;
  /** Called once registered, with this server as the cluster sees it (to stamp logs with its id). */
  onRegistered?(self: ServerInfo): void;
}

const NO_LOAD: LoadReport = { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 };

/** One server's registration, peer resolution and load reports. */
export class ClusterMember implements Module {
  readonly name = 'cluster-member';
  private readonly reporter: LoadReporter;
  private info: ServerInfo | undefined;

  constructor(private readonly options: ClusterMemberOptions) {
    const { discovery, clock, logger, sessions, entities } = options;
    const sampler = new LoadSampler({ clock, sessions, entities });
    this.reporter = new LoadReporter({ discovery, sampler, clock, logger, intervalMs: options.loadReportIntervalMs });
  }

  /**
   * This server as registered.
   * @throws Error before {@link start}.
   */
  get self(): ServerInfo {
    if (!this.info) throw new Error('ClusterMember.self: not registered yet');
    return this.info;
  }

  /** Registers the node's address, adopts the assigned id, and starts the load reports. */
  async start(): Promise<void> {
    const { rpc, discovery, id, type, host, version, clock, logger } = this.options;
    this.info = await discovery.register({
      ...(id === undefined ? {} : { id }),
      type,
      host,
      address: rpc.address,
      version,
      startedAt: clock.now(),
      load: NO_LOAD,
      ...(this.options.meta ? { meta: this.options.meta() } : {}),
    });
    if (this.info.id !== rpc.serverId) rpc.assignServerId(this.info.id);
    this.options.onRegistered?.(this.info);
    logger.info('cluster: registered', { id: this.info.id, address: this.info.address });
    await this.reporter.start();
  }

  /**
   * Marks the registration draining, so that no server picks this one for anything new while the
   * modules added before it drain (it is added after them, so it drains first). It stays
   * registered, with its address and names, until {@link stop}. A failure is logged: the drain
   * goes on.
   */
  async drain(): Promise<void> {
    if (!this.info) return;
    const { discovery, logger } = this.options;
    try {
      await discovery.markDraining();
      logger.info('cluster: draining', { id: this.info.id });
    } catch (err) {
      logger.warn('cluster: marking this server draining failed', { id: this.info.id, err });
    }
  }

  async stop(): Promise<void> {
    await this.reporter.stop();
  }
}
