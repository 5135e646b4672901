/**
 * The matchmaker as one lifecycle module: it serves the `matchmaker` RPC service (enqueue, cancel,
 * status), forms matches on a period ({@link Matchmaker.pass}) and launches them, and sweeps out
 * the tickets of players who went offline. Every matchmaker of a cluster shares one ticket store,
 * so any of them answers for any ticket, and a restarted one carries on with the tickets left.
 *
 * One pass, per configured mode: release the claims of launches that never finished (a
 * matchmaker that died), read the waiting tickets (at most `maxTicketsPerMode`), form matches
 * (match-pool.ts), and for each: look every player up in the online index (a ticket with a player
 * who is offline is cancelled, and the match is dropped), claim its tickets (skipped when another
 * matchmaker took one first), launch it, and delete its tickets, or put them back when the launch
 * failed. Launches run at most `maxConcurrentLaunches` at a time.
 */
import { randomUUID } from 'node:crypto';
import type { Module } from '../../engine/lifecycle/lifecycle.js';
import type { Logger } from '../../engine/log/types.js';
import { MatchError } from '../../engine/matchmaking/errors.js';
import { MATCHMAKER_METHODS, MATCHMAKER_SERVICE, type MatchmakerApi, type TicketStatus } from '../../engine/matchmaking/matchmaker-contract.js';
import type { RpcNode } from '../../engine/rpc/rpc-node.js';
import type { Clock } from '../../engine/timer/clock.js';
import type { TimerId, TimerService } from '../../engine/timer/timer-service.js';
import type { MatchLauncher, MatchPlan, MatchPlayer } from './match-launcher.js';
import { formMatches, type FormedMatch } from './match-pool.js';
import type { TicketStore } from './ticket-store.js';
import { checkTicket, type MatchMode, type Ticket } from './ticket.js';

/** Where an account is connected. */
export interface OnlineEntry {
  gateId: string;
  sessionId: string;
}

/** What the matchmaker reads of the online index. */
export interface OnlineLookup {
  /** The account's session, if it is logged in. */
  lookup(uid: string): Promise<OnlineEntry | undefined>;
}

/** The matchmaker's settings (`matchmaker.*`). */
export interface MatchmakerSettings {
  /** The modes players queue for, by name. */
  modes: Readonly<Record<string, MatchMode>>;
  /** Period of the pass that forms and launches matches. */
  intervalMs: number;
  /** Period of the sweep that cancels the tickets of players who went offline. */
  sweepIntervalMs: number;
  /** Waiting tickets per mode; past it, enqueue answers MATCH_ERR_QUEUE_FULL. */
  maxTicketsPerMode: number;
  /** Launches of one ticket that may fail before it is dropped. */
  launchAttempts: number;
  /** How long a launch holds its tickets; a claim older than this is released (its matchmaker died). */
  claimTtlMs: number;
  /** Matches launched at once. */
  maxConcurrentLaunches: number;
}

/** What a {@link Matchmaker} needs. */
export interface MatchmakerOptions {
  settings: MatchmakerSettings;
  rpc: RpcNode;
  store: TicketStore;
  /** Where players are connected: the gates' online index (gate/online-index.ts). */
  online: OnlineLookup;
  launcher: MatchLauncher;
  clock: Clock;
  timers: TimerService;
  logger: Logger;
}

/** What one {@link Matchmaker.pass} did. */
export interface PassReport {
  /** Matches launched. */
  launched: number;
  /** Matches whose launch failed; their tickets went back (or were dropped after their last attempt). */
  failed: number;
  /** Tickets cancelled because a player was offline. */
  offline: number;
}

/** Serves the `matchmaker` RPC service and forms matches. */
export class Matchmaker implements Module, MatchmakerApi {
  readonly name = 'matchmaker';
  private passTimer: TimerId | undefined;
  private sweepTimer: TimerId | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(private readonly options: MatchmakerOptions) {}

  async start(): Promise<void> {
    const { rpc, timers, settings } = this.options;
    rpc.serve(MATCHMAKER_SERVICE, this, MATCHMAKER_METHODS);
    // A period that comes while the last pass or sweep still runs is skipped, never queued.
    this.passTimer = timers.repeat(settings.intervalMs, () => void (this.running ?? this.pass().catch(() => undefined)));
    this.sweepTimer = timers.repeat(settings.sweepIntervalMs, () => void (this.running ?? this.sweep().catch(() => undefined)));
  }

  /** Stops forming matches and lets a running pass finish (its launches complete or put their tickets back). */
  async drain(): Promise<void> {
    this.stopped = true;
    this.cancelTimers();
    await this.idle();
  }

  async stop(): Promise<void> {
    await this.drain();
    this.options.rpc.targets.unserve(MATCHMAKER_SERVICE);
  }

  /** Resolves once no pass or sweep is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  async enqueue(request: unknown): Promise<TicketStatus> {
    const { settings, store, clock } = this.options;
    const ticket = checkTicket(request, settings.modes, clock.now());
    const result = await this.storeCall(() => store.add(ticket, settings.maxTicketsPerMode));
    if (result === 'queued') throw new MatchError('MATCH_ERR_ALREADY_QUEUED', `one of ${ticket.party.join(', ')} has a ticket already`);
    if (result === 'full') throw new MatchError('MATCH_ERR_QUEUE_FULL', `mode ${ticket.mode} has ${settings.maxTicketsPerMode} tickets waiting`);
    return statusOf(ticket, 'waiting');
  }

  async cancel(uid: unknown): Promise<boolean> {
    if (typeof uid !== 'string') throw new MatchError('MATCH_ERR_BAD_TICKET', 'uid must be a string');
    const result = await this.storeCall(() => this.options.store.cancel(uid));
    return typeof result === 'object';
  }

  async status(uid: unknown): Promise<TicketStatus | null> {
    if (typeof uid !== 'string') throw new MatchError('MATCH_ERR_BAD_TICKET', 'uid must be a string');
    const entry = await this.storeCall(() => this.options.store.get(uid));
    return entry ? statusOf(entry.ticket, entry.state) : null;
  }

  /**
   * Forms and launches the matches of every mode once (the periodic pass calls it; tests call it
   * directly). Never runs beside another pass or sweep of this matchmaker.
   */
  pass(): Promise<PassReport> {
    return this.runExclusive(async () => {
      const report: PassReport = { launched: 0, failed: 0, offline: 0 };
      await this.releaseExpired();
      for (const [name, mode] of Object.entries(this.options.settings.modes)) {
        if (this.stopped) break;
        const tickets = await this.options.store.waiting(name, this.options.settings.maxTicketsPerMode);
        const matches = formMatches(name, mode, tickets, this.options.clock.now());
        await this.inBatches(matches, (match) => this.launchOne(match, mode, report));
      }
      return report;
    });
  }

  /**
   * Cancels every waiting ticket with a player who is offline (the periodic sweep calls it).
   * @returns how many tickets it cancelled.
   */
  sweep(): Promise<number> {
    return this.runExclusive(async () => {
      let cancelled = 0;
      for (const name of Object.keys(this.options.settings.modes)) {
        const tickets = await this.options.store.waiting(name, this.options.settings.maxTicketsPerMode);
        const online = await this.lookupAll(tickets.flatMap((t) => t.party));
        for (const ticket of tickets) if (await this.cancelIfOffline(ticket, online)) cancelled++;
      }
      return cancelled;
    });
  }

  private async launchOne(match: FormedMatch, mode: MatchMode, report: PassReport): Promise<void> {
    const { store, launcher, settings, clock, logger } = this.options;
    const online = await this.lookupAll(match.teams.flat());
    let offline = 0;
    for (const ticket of match.tickets) if (await this.cancelIfOffline(ticket, online)) offline++;
    report.offline += offline;
    if (offline > 0) return;
    const matchId = randomUUID();
    if (!(await store.claim(matchId, match.tickets.map((t) => t.uid), clock.now() + settings.claimTtlMs))) return;
    const players: MatchPlayer[] = match.teams.flat().map((uid) => ({ uid, ...online.get(uid)! }));
    const plan: MatchPlan = { matchId, mode: match.mode, space: mode.space, teams: match.teams, players };
    try {
      const result = await launcher.launch(plan);
      if (!(await store.complete(matchId))) logger.warn('matchmaker: a match launched after its claim had expired', { matchId, space: result.space.id });
      report.launched++;
      logger.info('matchmaker: match launched', { matchId, mode: match.mode, space: result.space.id, lobby: result.space.lobbyId, unmoved: result.unmoved.length });
    } catch (err) {
      report.failed++;
      const dropped = await store.release(matchId, settings.launchAttempts);
      logger.warn('matchmaker: a match failed to launch; its tickets are back in the queue', { matchId, mode: match.mode, dropped: dropped.map((t) => t.uid), err });
    }
  }

  /** Releases the claims of launches whose matchmaker never finished them. */
  private async releaseExpired(): Promise<void> {
    const { store, settings, clock, logger } = this.options;
    for (const matchId of await store.expired(clock.now(), settings.maxTicketsPerMode)) {
      const dropped = await store.release(matchId, settings.launchAttempts);
      logger.warn('matchmaker: released the tickets of a launch that never finished', { matchId, dropped: dropped.map((t) => t.uid) });
    }
  }

  private async cancelIfOffline(ticket: Ticket, online: ReadonlyMap<string, OnlineEntry>): Promise<boolean> {
    if (ticket.party.every((uid) => online.has(uid))) return false;
    const result = await this.options.store.cancel(ticket.uid);
    if (typeof result === 'object') this.options.logger.debug('matchmaker: cancelled the ticket of a player who is offline', { owner: ticket.uid });
    return typeof result === 'object';
  }

  private async lookupAll(uids: readonly string[]): Promise<Map<string, OnlineEntry>> {
    const entries = await Promise.all(uids.map((uid) => this.options.online.lookup(uid)));
    const found = new Map<string, OnlineEntry>();
    entries.forEach((entry, i) => entry && found.set(uids[i]!, entry));
    return found;
  }

  private async inBatches<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
    const size = this.options.settings.maxConcurrentLaunches;
    for (let i = 0; i < items.length && !this.stopped; i += size) await Promise.all(items.slice(i, i + size).map(run));
  }

  /** Runs `work` after the running pass or sweep, so that two never overlap. */
  private runExclusive<T>(work: () => Promise<T>): Promise<T> {
    const previous = this.running ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    const settled = next.catch((err: unknown) => this.options.logger.error('matchmaker: a pass failed', { err }));
    this.running = settled;
    void settled.then(() => {
      if (this.running === settled) this.running = undefined;
    });
    return next;
  }

  private async storeCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw new MatchError('MATCH_ERR_UNAVAILABLE', 'the ticket store failed', { cause: err });
    }
  }

  private cancelTimers(): void {
    if (this.passTimer !== undefined) this.options.timers.cancel(this.passTimer);
    if (this.sweepTimer !== undefined) this.options.timers.cancel(this.sweepTimer);
    this.passTimer = this.sweepTimer = undefined;
  }
}

function statusOf(ticket: Ticket, state: TicketStatus['state']): TicketStatus {
  return { owner: ticket.uid, mode: ticket.mode, party: [...ticket.party], rating: ticket.rating, since: ticket.since, state };
}
