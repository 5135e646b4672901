/**
 * A worker thread of a bot run (started by bot-runner.ts, with {@link BotWorkerData} as its
 * `workerData`): loads the scenario, says `ready`, plays its share of the bots from `start`,
 * sends an interval of measurements every second of the run, and on `stop` stops its bots, sends
 * the last interval and `done`, and ends: nothing of it is left running.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { SystemClock, type ClockTimer } from '../../engine/timer/clock.js';
import { serverConnector } from './bot-connector.js';
import { BotMetrics } from './bot-metrics.js';
import { createBotNetworks } from './bot-networks.js';
import { BotSwarm } from './bot-swarm.js';
import type { BotWorkerData, RunnerMessage, WorkerMessage } from './bot-worker-messages.js';
import { loadScenario } from './load-scenario.js';
import type { Scenario } from './scenario.js';

/** Bots' log lines passed on to the main thread per second at most; the rest are dropped. */
const LOG_LINES_PER_SECOND = 20;
const INTERVAL_MS = 1_000;

const port = parentPort!;
const data = workerData as BotWorkerData;
const clock = new SystemClock();
let swarm: BotSwarm | undefined;
let metrics: BotMetrics | undefined;
let tick: ClockTimer | undefined;
let logLines = 0;
// How late this thread's event loop runs what is due: 10 ms samples, read and reset each interval.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

function send(message: WorkerMessage): void {
  port.postMessage(message);
}

function log(line: string): void {
  if (logLines++ < LOG_LINES_PER_SECOND) send({ kind: 'log', line });
}

function sendInterval(): void {
  metrics!.setCounts(swarm!.connected, swarm!.connecting);
  const loopDelayP99Ms = loopDelay.count > 0 ? loopDelay.percentile(99) / 1e6 : 0;
  loopDelay.reset();
  send({ kind: 'interval', snapshot: metrics!.snapshot(), loopDelayP99Ms });
  logLines = 0;
}

function start(scenario: Scenario, startAt: number): void {
  metrics = new BotMetrics(data.worker, clock, startAt);
  swarm = new BotSwarm({
    ...data,
    scenario,
    startAt,
    connector: serverConnector(data.loginUrl, data.transport, clock, data.networks.length > 0 ? createBotNetworks(data.networks, { seed: data.seed, clock }) : undefined),
    metrics,
    clock,
    log,
  });
  swarm.start();
  loopDelay.enable();
  // Each interval ends on a whole second of the run, so that the workers' intervals line up.
  const next = (): void => {
    tick = clock.setTimer(() => {
      sendInterval();
      next();
    }, INTERVAL_MS - ((clock.now() - startAt) % INTERVAL_MS));
  };
  next();
}

async function stop(): Promise<void> {
  if (tick) clock.clearTimer(tick);
  tick = undefined;
  if (swarm) {
    await swarm.stop();
    sendInterval();
  }
  loopDelay.disable();
  send({ kind: 'done' });
  port.close();
}

async function main(): Promise<void> {
  let scenario: Scenario;
  try {
    scenario = await loadScenario(data.scenarioPath);
  } catch (err) {
    send({ kind: 'failed', message: (err as Error).message });
    port.close();
    return;
  }
  let stopping = false;
  port.on('message', (message: RunnerMessage) => {
    if (message.kind === 'start' && !swarm && !stopping) start(scenario, message.startAt);
    else if (message.kind === 'stop' && !stopping) {
      stopping = true;
      stop().catch((err: unknown) => {
        send({ kind: 'failed', message: `stopping failed: ${(err as Error).stack ?? String(err)}` });
        port.close();
      });
    }
  });
  send({ kind: 'ready' });
}

void main();
