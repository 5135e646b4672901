#!/usr/bin/env node
/**
 * The entry point of every server process: `tsx main.ts --role <role> [--game <module>]`;
 * `npm start` runs the standalone role. Loads the configuration, builds the role's modules
 * (server.ts), starts them in order and stops them in reverse on SIGINT or SIGTERM; SIGHUP reloads
 * the gate's route rules, SIGUSR2 the lobby's game code.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, type Config } from './engine/config/index.js';
import { SystemClock } from './engine/timer/clock.js';
import { createServer } from './server.js';

/** Longest a stopping process waits for its log lines to reach the disk. */
const LOG_FLUSH_LIMIT_MS = 5_000;

/**
 * The shipped configuration files: `config/` in the working directory when there is one (this
 * repository, or a game's own), else the engine's own (an installed package run from a game's folder).
 */
const CONFIG_DIR = existsSync('config') ? 'config' : fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './config' : '../config', import.meta.url));

function readConfig(): Config {
  try {
    return loadConfig({ configDir: CONFIG_DIR });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const clock = new SystemClock();
  let server;
  try {
    server = await createServer({
      config,
      clock,
      // The admin API's drain ends the process as SIGTERM does; its rules reload reads the files as SIGHUP does.
      drain: () => void shutdown('admin drain', 0),
      loadRules: () => loadConfig({ configDir: CONFIG_DIR }).gate.rules,
    });
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  }
  const { logger, life, http, gate, login, play, rpc, watchdog, game, store } = server;

  let stopping = false;
  const shutdown = async (reason: string, code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { reason });
    await life.stop();
    // A disk that never drains must not keep a stopping process alive.
    await Promise.race([logger.close(), new Promise<void>((resolve) => clock.setTimer(resolve, LOG_FLUSH_LIMIT_MS))]);
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown('SIGINT', 0));
  process.once('SIGTERM', () => void shutdown('SIGTERM', 0));
  // Started by a parent over IPC (tests, benchmarks): stop when the parent goes away.
  if (process.connected) process.once('disconnect', () => void shutdown('parent process gone', 0));
  // SIGHUP reloads the gate's route rules from the configuration files, without a restart.
  process.on('SIGHUP', () => {
    if (!gate) return;
    try {
      gate.reloadRules(loadConfig({ configDir: CONFIG_DIR }).gate.rules);
    } catch (err) {
      logger.error('route rules not reloaded; the old ones stay', { err });
    }
  });
  // SIGUSR2 reloads the lobby's game code live (lobby/reload/); the lobby logs what it did or refused.
  process.on('SIGUSR2', () => {
    void server.lobby?.reload();
  });
  process.on('uncaughtException', (err) => {
    logger.error('uncaught exception', { err });
    void shutdown('uncaught exception', 1);
  });

  try {
    await life.start();
  } catch (err) {
    logger.error('start failed', { err });
    await shutdown('start failed', 1);
    return;
  }
  logger.info('ready', {
    role: config.server.role,
    http: `${http.url}/health`,
    ...(game ? { game: game.name } : {}),
    ...(login ? { login: http.url } : {}),
    ...(play?.served ? { play: `${http.url}/play` } : {}),
    ...(gate ? { gate: gate.meta() } : {}),
    rpc: rpc.address,
    discovery: config.cluster.discovery,
    watchdog: watchdog?.running ? { stallMs: config.watchdog.stallMs } : 'off',
    ...(store ? { store: config.store.backend === 'lmdb' ? `lmdb at ${config.store.lmdb.path}` : config.store.mongodb.url } : {}),
  });
}

await main();
