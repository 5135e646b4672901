/**
 * One bot as its scenario sees it ({@link Bot}): its connected client with timed requests, think
 * times, waits for pushes and world states, checks and log lines, all measured into the worker's
 * {@link BotMetrics}. The runner makes one per login and calls `stop()` when the run stops: waits
 * end at once with BOT_ERR_STOPPED (not an error), think times end early, `running` turns false.
 */
import type { Clock, ClockTimer } from '../../engine/timer/clock.js';
import type { ClientTransportKind } from '../client-transport.js';
import { ClientError } from '../errors.js';
import type { GateClient } from '../gate-client.js';
import type { WorldMirror } from '../world-mirror.js';
import type { BotMetrics } from './bot-metrics.js';
import { BotError } from './errors.js';
import type { Bot } from './scenario.js';
import { sampleTime, type Distribution } from './think-time.js';

/** What a bot is made of. */
export interface BotDeps {
  /** Its number in the run, unique across workers. */
  index: number;
  username: string;
  uid: string;
  transport: ClientTransportKind;
  /** Its connection, authenticated. */
  client: GateClient;
  /** Its worker's measurements. */
  metrics: BotMetrics;
  /** Time for latencies, think times and deadlines. */
  clock: Clock;
  /** Random numbers in [0, 1) (see bot-random.ts). */
  random: () => number;
  /** Where its log lines go for the person watching (already prefixed with its name). */
  log: (line: string) => void;
}

/** A bot, and the runner's handle to stop it. */
export interface BotHandle extends Bot {
  /** Stops the bot: `running` turns false, `stopped` settles, think times end, waits fail with BOT_ERR_STOPPED. Idempotent. */
  stop(): void;
}

/** The default deadline of {@link Bot.waitForPush} and {@link Bot.waitFor}. */
export const DEFAULT_WAIT_MS = 10_000;

/**
 * A bot on `deps.client`. Every push the client delivers to handlers (not `sys.sync`) is counted
 * for as long as the client lives.
 */
export function createBot(deps: BotDeps): BotHandle {
  return new BotSession(deps);
}

class BotSession implements BotHandle {
  readonly index: number;
  readonly username: string;
  readonly uid: string;
  readonly transport: ClientTransportKind;
  readonly client: GateClient;
  readonly stopped: Promise<void>;
  private readonly metrics: BotMetrics;
  private readonly clock: Clock;
  private readonly random_: () => number;
  private readonly log_: (line: string) => void;
  private readonly abort = new AbortController();
  // What ends early on stop: think times and push waits (world waits end through the signal).
  private readonly wakers = new Set<() => void>();
  private resolveStopped!: () => void;

  constructor(deps: BotDeps) {
    this.index = deps.index;
    this.username = deps.username;
    this.uid = deps.uid;
    this.transport = deps.transport;
    this.client = deps.client;
    this.metrics = deps.metrics;
    this.clock = deps.clock;
    this.random_ = deps.random;
    this.log_ = deps.log;
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
    const metrics = deps.metrics;
    deps.client.on('*', () => metrics.push());
  }

  get world(): WorldMirror {
    return this.client.world;
  }

  get running(): boolean {
    return !this.abort.signal.aborted;
  }

  random(): number {
    return this.random_();
  }

  stop(): void {
    if (this.abort.signal.aborted) return;
    this.abort.abort(new BotError('BOT_ERR_STOPPED', `${this.username}: the run stopped`));
    this.resolveStopped();
    for (const wake of this.wakers) wake();
    this.wakers.clear();
  }

  async request<T = unknown>(route: string, ...args: unknown[]): Promise<T> {
    const start = this.clock.now();
    let result: T;
    try {
      result = await this.client.request<T>(route, ...args);
    } catch (err) {
      if (this.closedByStop(err)) throw new BotError('BOT_ERR_STOPPED', `${this.username}: ${route} was cut short by the run stopping`, { cause: err });
      this.metrics.timedFailure(route, this.clock.now() - start, err);
      throw err;
    }
    this.metrics.timed(route, this.clock.now() - start);
    return result;
  }

  notify(route: string, ...args: unknown[]): void {
    try {
      this.client.notify(route, ...args);
    } catch (err) {
      if (this.closedByStop(err)) throw new BotError('BOT_ERR_STOPPED', `${this.username}: ${route} was not sent, the run stopped`, { cause: err });
      this.metrics.failure(err);
      throw err;
    }
    this.metrics.notify();
  }

  think(time: number | Distribution): Promise<void> {
    const ms = sampleTime(time, this.random_);
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        this.clock.clearTimer(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = this.clock.setTimer(wake, ms);
      this.wakers.add(wake);
    });
  }

  waitForPush<T = unknown>(route: string, options: { timeoutMs?: number; where?: (body: T) => boolean } = {}): Promise<T> {
    const timeoutMs = checkTimeout(options.timeoutMs);
    if (!this.running) return handled(Promise.reject(this.abort.signal.reason));
    const { where } = options;
    const name = `push:${route}`;
    const start = this.clock.now();
    const waiting = new Promise<T>((resolve, reject) => {
      let timer: ClockTimer | undefined;
      const end = (): void => {
        off();
        if (timer !== undefined) this.clock.clearTimer(timer);
        this.wakers.delete(stop);
      };
      const stop = (): void => {
        end();
        reject(this.abort.signal.reason);
      };
      const off = this.client.on(route, (body) => {
        try {
          if (where && !where(body as T)) return;
        } catch (err) {
          end();
          this.metrics.timedFailure(name, this.clock.now() - start, err);
          reject(err);
          return;
        }
        end();
        this.metrics.timed(name, this.clock.now() - start);
        resolve(body as T);
      });
      timer = this.clock.setTimer(() => {
        timer = undefined;
        end();
        const err = new BotError('BOT_ERR_PUSH_TIMEOUT', `${this.username}: no push on ${route}${where ? ' matching where' : ''} within ${timeoutMs} ms`);
        this.metrics.timedFailure(name, this.clock.now() - start, err);
        reject(err);
      }, timeoutMs);
      this.wakers.add(stop);
    });
    return handled(waiting);
  }

  waitFor(predicate: (world: WorldMirror) => boolean, options: { timeoutMs?: number; label?: string } = {}): Promise<void> {
    const timeoutMs = checkTimeout(options.timeoutMs);
    return handled(this.waitForWorld(predicate, timeoutMs, options.label ?? 'world'));
  }

  private async waitForWorld(predicate: (world: WorldMirror) => boolean, timeoutMs: number, label: string): Promise<void> {
    const start = this.clock.now();
    try {
      await this.client.world.waitFor(predicate, timeoutMs, this.abort.signal);
    } catch (err) {
      if (err instanceof BotError && err.code === 'BOT_ERR_STOPPED') throw err;
      const failure =
        err instanceof ClientError && err.code === 'CLIENT_ERR_WAIT_TIMEOUT'
          ? new BotError('BOT_ERR_WAIT_TIMEOUT', `${this.username}: ${label} did not hold within ${timeoutMs} ms`, { cause: err })
          : err;
      this.metrics.timedFailure(`wait:${label}`, this.clock.now() - start, failure);
      throw failure;
    }
    this.metrics.timed(`wait:${label}`, this.clock.now() - start);
  }

  // The runner closes the client after the stop: a request it cuts short, or one made after it,
  // fails because of the stop, not because of the server.
  private closedByStop(err: unknown): boolean {
    return !this.running && err instanceof ClientError && (err.code === 'CLIENT_ERR_CLOSED' || err.code === 'CLIENT_ERR_NOT_OPEN');
  }

  check(condition: boolean, name: string, detail?: string): boolean {
    if (condition) this.metrics.check(name, true);
    else this.metrics.check(name, false, detail === undefined ? this.username : `${this.username}: ${detail}`);
    return condition;
  }

  log(line: string): void {
    const text = `${this.username}: ${line}`;
    this.log_(text);
    this.metrics.log(text);
  }
}

/**
 * `promise`, marked as handled: a wait that a scenario started and never awaited (a request made
 * meanwhile threw, the run stopped) must not end its worker as an unhandled rejection. Its failure
 * is counted when it happens, and awaiting it still throws.
 */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function checkTimeout(timeoutMs: number | undefined): number {
  if (timeoutMs === undefined) return DEFAULT_WAIT_MS;
  if (!(Number.isFinite(timeoutMs) && timeoutMs >= 0)) throw new RangeError(`timeoutMs must be a finite number >= 0, not ${timeoutMs}`);
  return timeoutMs;
}
