/**
 * Colyseus for the peers benchmark: installs bench/peers/colyseus/ (its own package.json, never a
 * dependency of the engine) when it is missing or out of date, starts its echo room as a process,
 * and connects clients to it through Colyseus's own client SDK.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../../engine/testing/free-port.js';
import { AnswerQueue } from '../lib/answer-queue.js';
import type { EchoClient } from '../lib/echo-measure.js';

const DIR = fileURLToPath(new URL('./colyseus/', import.meta.url));
// Clients join this many at a time: a thousand matchmaking requests at once only queue up.
const JOIN_BATCH = 100;

/** The part of a room of `@colyseus/sdk` that the benchmark uses. */
interface SdkRoom {
  send(type: string, payload: unknown): void;
  onMessage(type: string, callback: (payload: unknown) => void): () => void;
  leave(consented?: boolean): Promise<number>;
}

/** The part of `@colyseus/sdk` that the benchmark uses. */
interface Sdk {
  Client: new (endpoint: string) => { joinOrCreate(roomName: string): Promise<SdkRoom> };
}

/** A Colyseus client of the echo room: `op()` sends one message and resolves when it comes back. */
export interface ColyseusEchoClient extends EchoClient {
  close(): Promise<void>;
}

/**
 * Whether bench/peers/colyseus/ must be installed again: never installed (`installedMs`, the time
 * of npm's record of what it installed, `node_modules/.package-lock.json`, is undefined) or
 * installed before its package.json or lockfile last changed (times in milliseconds).
 */
export function installIsStale(installedMs: number | undefined, packageJsonMs: number, lockfileMs: number): boolean {
  return installedMs === undefined || installedMs < packageJsonMs || installedMs < lockfileMs;
}

const modifiedMs = (file: string): number | undefined => (existsSync(file) ? statSync(file).mtimeMs : undefined);

/** Installs bench/peers/colyseus/'s packages unless they are there and current; returns the installed version of Colyseus's core. */
export async function installColyseus(): Promise<string> {
  if (installIsStale(modifiedMs(`${DIR}node_modules/.package-lock.json`), modifiedMs(`${DIR}package.json`)!, modifiedMs(`${DIR}package-lock.json`) ?? 0)) {
    console.log(`  installing Colyseus into ${DIR}`);
    await promisify(execFile)('npm', ['install', '--prefix', DIR, '--no-audit', '--no-fund'], { cwd: DIR });
  }
  return (createRequire(DIR)('@colyseus/core/package.json') as { version: string }).version;
}

/** Starts the echo room's server (bench/peers/colyseus/echo-server.mjs) as its own process. */
export async function startColyseusEcho(): Promise<{ endpoint: string; pid: number; stop(): void }> {
  const port = await freePort();
  const child = spawn(process.execPath, [`${DIR}echo-server.mjs`, String(port)], { cwd: DIR, stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`Colyseus echo server exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  const { endpoint } = JSON.parse(line) as { endpoint: string };
  return { endpoint, pid: child.pid!, stop: () => child.stdin!.end() };
}

/**
 * Connects `count` clients to the echo room through `@colyseus/sdk` (matchmaking over HTTP, then
 * the room's WebSocket), `JOIN_BATCH` at a time. Each client's `op()` sends `payload` as an `echo`
 * message and resolves when the room's answer comes back.
 */
export async function connectColyseusClients(endpoint: string, count: number, payload: unknown): Promise<ColyseusEchoClient[]> {
  const { Client } = createRequire(DIR)('@colyseus/sdk') as Sdk;
  const clients: ColyseusEchoClient[] = [];
  for (let i = 0; i < count; i += JOIN_BATCH) {
    const rooms = await Promise.all(Array.from({ length: Math.min(JOIN_BATCH, count - i) }, () => new Client(endpoint).joinOrCreate('echo')));
    for (const room of rooms) {
      const answers = new AnswerQueue();
      room.onMessage('echo', () => answers.answer());
      clients.push({
        op: () => {
          const answered = answers.next();
          room.send('echo', payload);
          return answered;
        },
        close: async () => {
          await room.leave(true);
        },
      });
    }
  }
  return clients;
}
