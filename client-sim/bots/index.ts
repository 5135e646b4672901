/**
 * Bot scenarios for load tests (`npm run bots`): the package's `tessera/bots`. A scenario module's
 * default export is `defineScenario({ … })`; `runBots` plays one from code, as a game's CI does.
 */
export { defineScenario, type Scenario, type ScenarioAccounts, type Bot, type Objective } from './scenario.js';
export { thinkTime, sampleTime, type Distribution } from './think-time.js';
export type { RunSummary, RouteSummary, ObjectiveResult } from './run-summary.js';
export { BotError, BOT_ERRORS, type BotErrorCode } from './errors.js';
export { runBots, type BotRunOptions, type BotRunResult } from './bot-runner.js';
export { failuresBesides } from './objectives.js';
