/**
 * The bots of one worker. Bot `i` of the run belongs to worker `i % workers`, starts `i / bots`
 * of the way through the ramp, and then lives in a loop while the run goes on: wait for a login
 * turn (the worker's {@link LoginPacer}), log in (registering its account first when it has none),
 * connect and authenticate (all of it timed under `login`), run the scenario's `setup` once and
 * `iteration` again and again. A
 * refused login that says when to retry (`Retry-After`, a busy service) is retried then, a bounded
 * number of times; an iteration that throws, or a connection the gate closes, is counted once, and
 * the bot logs in again after a back-off. In a scenario with `resume`, a connection that drops is
 * counted once and resumed instead (`client.reconnect()`, on another gate when its own is gone),
 * a bounded number of times with a back-off, and the bot plays on. A move to another gate that a
 * draining gate asks for is timed under `move`, not counted as a drop. On {@link BotSwarm.stop} every bot stops: waits end,
 * iterations finish, `teardown` runs, and the bot logs out (its client closes), within the stop
 * grace, after which whatever is still open is closed.
 */
import type { Clock, ClockTimer } from '../../engine/timer/clock.js';
import { backoffDelay, type Backoff } from '../../engine/timer/backoff.js';
import type { ClientTransportKind } from '../client-transport.js';
import type { GateClient } from '../gate-client.js';
import { LoginFailed, type LoginResult } from '../login.js';
import type { BotConnector } from './bot-connector.js';
import type { BotMetrics } from './bot-metrics.js';
import { botRandom } from './bot-random.js';
import { createBot, type BotHandle } from './bot-session.js';
import { LoginPacer } from './login-pacer.js';
import type { Scenario } from './scenario.js';

/** Settings of a {@link BotSwarm}. */
export interface BotSwarmOptions {
  scenario: Scenario;
  /** This worker's number, and how many there are. */
  worker: number;
  workers: number;
  /** Bots in the whole run. */
  bots: number;
  transport: ClientTransportKind;
  /** When the run started, on `clock`; bots start from then over `rampMs`. */
  startAt: number;
  rampMs: number;
  /** This worker's share of the run's login rate. */
  loginRatePerSecond: number;
  seed: number;
  /** Part of the account names of a run that registers new accounts. */
  runId: string;
  /** How long bots have to finish once the run stops, before their connections are closed. */
  stopGraceMs: number;
  connector: BotConnector;
  metrics: BotMetrics;
  clock: Clock;
  /** Bots' log lines, for the person watching. */
  log: (line: string) => void;
}

/** The back-off of a bot between failed lives (iterations that threw, lost connections, failed logins). */
export const RELOGIN_BACKOFF: Backoff = { baseMs: 1_000, maxMs: 30_000 };
/** The back-off between a bot's tries to resume a dropped connection (scenarios with `resume`). */
export const RESUME_BACKOFF: Backoff = { baseMs: 250, maxMs: 5_000 };
/** Tries to resume a dropped connection at most, before the bot logs in again. */
export const MAX_RESUME_TRIES = 8;
/** Logins retried at most after a refusal that says when to retry, before the bot backs off. */
export const MAX_LOGIN_RETRIES = 10;
/** The longest wait a refusal's `Retry-After` is followed for. */
export const MAX_RETRY_AFTER_MS = 60_000;
// Refusals worth retrying: the login service is busy or rate-limits, and says so.
const BUSY_CODES = new Set(['LOGIN_ERR_RATE_LIMITED', 'LOGIN_ERR_UNAVAILABLE', 'LOGIN_ERR_REGISTER_BUSY', 'LOGIN_ERR_NO_GATE']);
/**
 * Logins in flight per worker at least; at most a second's worth of its rate, so that a server
 * that slows down gets fewer logins, not a pile of handshakes that all time out.
 */
export const MIN_LOGINS_IN_FLIGHT = 4;
const DEFAULT_PREFIX = 'bot';
const DEFAULT_PASSWORD = 'bot-password-1';
// Past the grace, pending lives are given this long to notice their closed connections.
const AFTER_GRACE_MS = 1_000;

/** A bot's account. */
interface Account {
  username: string;
  password: string;
  mode: 'login' | 'register';
  /** Whether it is known to exist: registered in this run, or found taken by a registration. */
  registered: boolean;
}

/** A bot that logged in and connected. */
interface Session {
  client: GateClient;
  username: string;
  uid: string;
}

/** The bots of one worker; {@link start} them, then {@link stop} them. */
export class BotSwarm {
  private running = true;
  private connected_ = 0;
  private connecting_ = 0;
  private readonly pacer: LoginPacer;
  private readonly lives: Promise<void>[] = [];
  private readonly bots = new Set<BotHandle>();
  private readonly clients = new Set<GateClient>();
  private readonly sleepers = new Set<() => void>();
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: BotSwarmOptions) {
    this.pacer = new LoginPacer({
      ratePerSecond: options.loginRatePerSecond,
      clock: options.clock,
      maxWaiting: options.bots + 1,
      maxInFlight: Math.max(MIN_LOGINS_IN_FLIGHT, Math.ceil(options.loginRatePerSecond)),
    });
  }

  /** Bots connected and authenticated now. */
  get connected(): number {
    return this.connected_;
  }

  /** Bots waiting for a login turn, logging in or connecting now. */
  get connecting(): number {
    return this.connecting_;
  }

  /** Starts this worker's bots, each at its time in the ramp. */
  start(): void {
    const { worker, workers, bots } = this.options;
    for (let index = worker; index < bots; index += workers) this.lives.push(this.life(index));
  }

  /**
   * Stops every bot: resolves once all logged out, or once the stop grace (and a second more) is
   * over, every connection still open being closed at the grace's end. Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    const { clock, stopGraceMs } = this.options;
    this.running = false;
    this.pacer.close();
    for (const wake of [...this.sleepers]) wake();
    for (const bot of this.bots) bot.stop();
    let graceTimer: ClockTimer | undefined;
    let lastTimer: ClockTimer | undefined;
    const expired = new Promise<void>((resolve) => {
      graceTimer = clock.setTimer(() => {
        for (const client of this.clients) client.close();
        lastTimer = clock.setTimer(resolve, AFTER_GRACE_MS);
      }, stopGraceMs);
    });
    await Promise.race([Promise.all(this.lives), expired]);
    clock.clearTimer(graceTimer!);
    if (lastTimer) clock.clearTimer(lastTimer);
    for (const client of this.clients) client.close();
  }

  /** Waits `ms`; resolves false at once when the run stops (or has stopped). */
  private sleep(ms: number): Promise<boolean> {
    if (!this.running) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = (): void => {
        this.options.clock.clearTimer(timer);
        this.sleepers.delete(wake);
        resolve(this.running);
      };
      const timer = this.options.clock.setTimer(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private async life(index: number): Promise<void> {
    const { clock, startAt, rampMs, bots, scenario, runId } = this.options;
    const random = botRandom(this.options.seed, index);
    const accounts = scenario.accounts ?? {};
    const prefix = accounts.prefix ?? DEFAULT_PREFIX;
    const mode = accounts.mode ?? 'login';
    const account: Account = {
      username: mode === 'register' ? `${prefix}-${runId}-${index}` : `${prefix}-${index}`,
      password: accounts.password ?? DEFAULT_PASSWORD,
      mode,
      registered: false,
    };
    if (!(await this.sleep(startAt + (rampMs * index) / bots - clock.now()))) return;
    let failures = 0;
    while (this.running) {
      const session = await this.logIn(index, account);
      if (session === 'stopped') return;
      if (session !== 'failed' && (await this.play(index, session, random))) return;
      failures++;
      if (!(await this.sleep(backoffDelay(RELOGIN_BACKOFF, failures, random)))) return;
    }
  }

  /**
   * Logs in and connects, timed under `login`, retrying refusals that say when; 'failed' after
   * counting why, 'stopped' when the run stopped first.
   */
  private async logIn(index: number, account: Account): Promise<Session | 'failed' | 'stopped'> {
    const { metrics, clock } = this.options;
    this.connecting_++;
    try {
      for (let retry = 0; ; ) {
        if (!(await this.pacer.take())) return 'stopped';
        const started = clock.now();
        try {
          const session = await this.enter(index, account).finally(() => this.pacer.release());
          if (!this.running) {
            session.client.close();
            return 'stopped';
          }
          metrics.timed('login', clock.now() - started);
          return session;
        } catch (err) {
          if (!this.running) return 'stopped';
          metrics.timedFailure('login', clock.now() - started, err);
          const code = err instanceof LoginFailed ? err.serverCode : undefined;
          if (code === undefined || !BUSY_CODES.has(code) || ++retry > MAX_LOGIN_RETRIES) return 'failed';
          const waitMs = Math.min(MAX_RETRY_AFTER_MS, (err as LoginFailed).retryAfterMs ?? RELOGIN_BACKOFF.baseMs);
          if (!(await this.sleep(waitMs))) return 'stopped';
        }
      }
    } finally {
      this.connecting_--;
    }
  }

  /**
   * Makes sure the account exists, logs in and connects. It registers before its first login of
   * the run: the login service refuses a taken name before it hashes anything, so a second run's
   * registration costs it nothing, where a login tried first would cost a password hash for every
   * new account (a login of an unknown name is hashed too).
   */
  private async enter(index: number, account: Account): Promise<Session> {
    const { connector } = this.options;
    if (!account.registered) {
      try {
        await connector.register(account.username, account.password);
      } catch (err) {
        if (!(account.mode === 'login' && err instanceof LoginFailed && err.serverCode === 'LOGIN_ERR_USERNAME_TAKEN')) throw err;
      }
      account.registered = true;
    }
    const login = await connector.login(account.username, account.password);
    const client = await connector.connect(index, login);
    return { client, username: account.username, uid: login.uid };
  }

  /**
   * Plays the scenario on a connection until the run stops (true) or the bot fails: an iteration
   * threw or the connection was lost (false). Always logs out at the end.
   */
  private async play(index: number, session: Session, random: () => number): Promise<boolean> {
    const { scenario, metrics, clock, transport } = this.options;
    const { client } = session;
    const bot = createBot({ index, username: session.username, uid: session.uid, transport, client, metrics, clock, random, log: this.options.log });
    this.bots.add(bot);
    this.clients.add(client);
    this.connected_++;
    let lost = false;
    // While set, the dropped connection is being resumed; it resolves with whether it was.
    let resuming: Promise<boolean> | undefined;
    const offClose = client.onClose((_reason, err) => {
      // The closes of the resume's own tries are its business.
      if (resuming) return;
      if (this.running) metrics.failure(err);
      if (scenario.resume && this.running && err.code === 'CLIENT_ERR_CONNECTION_LOST') {
        resuming = this.resume(client, random);
        return;
      }
      lost = true;
      bot.stop();
    });
    // A move its gate asked for is no disconnect: timed under `move`; one that no gate took fails
    // there (its close is then counted no second time), one that lost the session too.
    const offMove = client.onMove((move) => {
      if (!this.running) return;
      if (move.error) metrics.timedFailure('move', move.ms, move.error);
      else if (!move.resumed) metrics.timed('move', move.ms, 'BOT_ERR_SESSION_LOST', `moved to ${move.to} with a new session`);
      else metrics.timed('move', move.ms);
    });
    try {
      if (scenario.setup) await scenario.setup(bot);
      while (bot.running) {
        try {
          await scenario.iteration(bot);
          metrics.iteration();
        } catch (err) {
          // An iteration the drop cut short was counted with the drop.
          if (!resuming) throw err;
        }
        if (resuming) {
          if (!(await resuming)) {
            lost = true;
            break;
          }
          resuming = undefined;
        }
        // An iteration that awaits nothing slow must not keep the worker's event loop from turning.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (err) {
      if (this.running) metrics.failure(err);
    } finally {
      this.connected_--;
    }
    try {
      if (!this.running && !lost && scenario.teardown) await scenario.teardown(bot);
    } catch {
      // A teardown cut short by the grace's end, or failing after the stop, fails nothing.
    }
    bot.stop();
    offClose();
    offMove();
    client.close();
    this.clients.delete(client);
    this.bots.delete(bot);
    return !this.running;
  }

  /**
   * Resumes the session of `client`, whose connection dropped, trying {@link MAX_RESUME_TRIES}
   * times with a back-off; timed under `reconnect` from the first try.
   * @returns whether it did (false also when the run stopped meanwhile).
   */
  private async resume(client: GateClient, random: () => number): Promise<boolean> {
    const { metrics, clock } = this.options;
    const started = clock.now();
    for (let tries = 1; this.running; tries++) {
      try {
        await client.reconnect();
        metrics.timed('reconnect', clock.now() - started);
        return true;
      } catch (err) {
        if (!this.running) return false;
        if (tries >= MAX_RESUME_TRIES) {
          metrics.timedFailure('reconnect', clock.now() - started, err);
          return false;
        }
        if (!(await this.sleep(backoffDelay(RESUME_BACKOFF, tries, random)))) return false;
      }
    }
    return false;
  }
}
