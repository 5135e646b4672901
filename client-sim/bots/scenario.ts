/**
 * A scenario: what one simulated player (a bot) does, and what the run must achieve. A scenario
 * is a TypeScript module whose default export is `defineScenario({ … })`; `npm run bots` loads it
 * by path in every worker, starts the bots, and judges the run by its checks and objectives.
 */
import type { ClientTransportKind } from '../client-transport.js';
import type { GateClient } from '../gate-client.js';
import type { WorldMirror } from '../world-mirror.js';
import type { Distribution } from './think-time.js';

/** What a bot's code sees: its connected client, timed requests, think times, waits and checks. */
export interface Bot {
  /** This bot's number in the run, 0 to bots - 1, unique across workers. */
  readonly index: number;
  /** Its account's name and uid. */
  readonly username: string;
  readonly uid: string;
  /** The transport it is connected over. */
  readonly transport: ClientTransportKind;
  /** Its connection, authenticated; use it for what the helpers below do not cover. */
  readonly client: GateClient;
  /** What its player sees of its space (`client.world`). */
  readonly world: WorldMirror;
  /** Random numbers in [0, 1), seeded from the run's seed and the bot's index. */
  random(): number;
  /** True until the run stops (its end, Ctrl-C); loops test it. */
  readonly running: boolean;
  /** Settles when the run stops, for a `Promise.race` with a long wait. */
  readonly stopped: Promise<void>;
  /**
   * A request, timed and counted under its route. A refusal is counted under its server code
   * (`RequestError.serverCode`), any other failure under the SDK's code, and rethrown.
   */
  request<T = unknown>(route: string, ...args: unknown[]): Promise<T>;
  /** A notify, counted under its route. */
  notify(route: string, ...args: unknown[]): void;
  /** Waits for a time drawn from `time` (milliseconds or a distribution); returns early when the run stops. */
  think(time: number | Distribution): Promise<void>;
  /**
   * The next push on `route` (for which `where` holds), timed from the call under `push:<route>`.
   * Start it before the request that causes the push; a wait never awaited (that request threw)
   * is counted when it times out and never surfaces as an unhandled rejection.
   * @throws BotError BOT_ERR_PUSH_TIMEOUT after `timeoutMs` (default 10,000), counted as an error.
   */
  waitForPush<T = unknown>(route: string, options?: { timeoutMs?: number; where?: (body: T) => boolean }): Promise<T>;
  /**
   * Waits until `predicate` holds for the world, timed under `wait:<label>` (default label `world`).
   * @throws BotError BOT_ERR_WAIT_TIMEOUT after `timeoutMs` (default 10,000), counted as an error.
   */
  waitFor(predicate: (world: WorldMirror) => boolean, options?: { timeoutMs?: number; label?: string }): Promise<void>;
  /**
   * An assertion: counts a pass or a failure under `name` and returns `condition`. A failure does
   * not throw; the run fails when a check's pass rate is below its objective (default: every pass).
   * `detail` is kept for the first failures of each name, for the report.
   */
  check(condition: boolean, name: string, detail?: string): boolean;
  /** A line for the person watching, prefixed with the bot's name (kept, bounded, for the report). */
  log(line: string): void;
}

/**
 * A service-level objective the run must meet. Latencies are in milliseconds; a rate is a
 * fraction (0.001 is 0.1%).
 */
export type Objective =
  /** The `percentile` (e.g. 99) of `route`'s latency is below `belowMs`. */
  | { kind: 'latency'; route: string; percentile: number; belowMs: number }
  /** Failed requests over all requests (of `route`, or of every route) stay below `below`. */
  | { kind: 'errorRate'; route?: string; below: number }
  /** Passed checks over all checks (named `name`, or every check) reach `atLeast`. */
  | { kind: 'checks'; name?: string; atLeast: number }
  /** Requests per second over the steady part of the run (of `route`, or of every route) reach `atLeast`. */
  | { kind: 'throughput'; route?: string; atLeast: number };

/** The accounts bots play as. */
export interface ScenarioAccounts {
  /**
   * `login` (default): bot i logs in as `<prefix>-<i>`, registering it first when it does not
   * exist (the runner tries the registration first: refused as taken, it costs the service no
   * hash), so that a second run reuses the accounts. `register`: every run registers new accounts
   * (`<prefix>-<run id>-<i>`).
   */
  mode?: 'login' | 'register';
  /** Default `bot`. */
  prefix?: string;
  /** Default `bot-password-1`. */
  password?: string;
}

/** A scenario, as its module's default export. */
export interface Scenario {
  /** Its name, in the progress display and the report. */
  name: string;
  /** One line on what its bots do, for the report. */
  description?: string;
  accounts?: ScenarioAccounts;
  /** The transport when the command line names none (default tcp). */
  transport?: ClientTransportKind;
  /** Once per bot, after it connected and before its first iteration. */
  setup?(bot: Bot): Promise<void>;
  /**
   * One round of what a bot does; the runner runs it again while the run goes on. A throw is
   * counted as an error under its code; the bot then logs in again after a pause.
   */
  iteration(bot: Bot): Promise<void>;
  /** Once per bot when the run stops, before it logs out (bounded by the runner's stop grace). */
  teardown?(bot: Bot): Promise<void>;
  /**
   * When a bot's connection drops without a word from the gate (CLIENT_ERR_CONNECTION_LOST: the
   * gate died, the network failed), the bot resumes its session with `client.reconnect()`, on its
   * gate or on another of the cluster, and plays on: the drop is counted once as an error, a
   * request it cut short is counted under its route as any failed request, the iteration's throw
   * is not counted again, and the time from the drop to the resumed session is timed under
   * `reconnect`. Default false: the bot logs in again after a pause, with a new session.
   */
  resume?: boolean;
  /** What the run must achieve; every check must pass unless a `checks` objective says otherwise. */
  objectives?: Objective[];
}

/** Returns `scenario` as it is, typed: the default export of a scenario module. */
export function defineScenario(scenario: Scenario): Scenario {
  return scenario;
}
