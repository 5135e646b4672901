import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMain } from './engine/testing/main-process.js';

/** Only a process the watchdog failed to end gets this far. */
const DEADLINE_MS = 60_000;

/** Has the process's main thread run `expression` through its inspector; does not wait for a result. */
async function evaluateThroughInspector(output: string, expression: string): Promise<void> {
  const url = /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
  if (!url) throw new Error(`the process printed no inspector URL:\n${output}`);
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  socket.send(JSON.stringify({ id: 1, method: 'Runtime.evaluate', params: { expression } }));
}

describe('main.ts with its event-loop watchdog', () => {
  let dir: string;
  beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), 'main-watchdog-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it(
    'starts the watchdog first, and is ended by it with SIGKILL and a report when its main thread blocks',
    async () => {
      const main = await startMain(
        [
          '--role', 'standalone', '--http.port', '0', '--store.lmdb.path', join(dir, 'lmdb'),
          '--gate.tcpPort', '0', '--gate.wsPort', '0', '--gate.kcpPort', '0', '--gate.identityKeyPath', join(dir, 'gate.key'),
          '--log.file.enabled', 'true', '--log.file.dir', join(dir, 'logs'), '--watchdog.stall-ms', '2000',
        ],
        ['--inspect=127.0.0.1:0'],
      );
      try {
        expect(main.output()).toMatch(/watchdog started \{"component":"watchdog","stallMs":2000,"beatMs":500\}/);
        // First of the modules to start.
        expect(main.output().indexOf('watchdog started')).toBeLessThan(main.output().indexOf('module started'));
        expect(main.output()).toMatch(/ready \{.*"watchdog":\{"stallMs":2000\}/);
        // Wait on memory nobody will signal, as a thread stuck on a native mutex does.
        await evaluateThroughInspector(main.output(), 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)');
        const ended = await Promise.race([main.exited.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), DEADLINE_MS).unref())]);
        if (!ended) expect.fail(`main.ts still ran ${DEADLINE_MS} ms after its main thread blocked: the watchdog did not end it`);
        expect(main.child.signalCode).toBe('SIGKILL');
        const line = /^\{.*"component":"watchdog".*\}$/m.exec(main.output())?.[0];
        expect(line).toBeDefined();
        expect(JSON.parse(line!)).toMatchObject({ level: 'error', role: 'standalone', serverId: expect.stringMatching(/^standalone-.+-0$/), stallMs: 2000 });
        const reports = (await readdir(join(dir, 'logs'))).filter((name) => name.endsWith('-watchdog.log'));
        expect(reports).toHaveLength(1);
        expect(await readFile(join(dir, 'logs', reports[0]!), 'utf8')).toBe(`${line}\n`);
      } finally {
        await main.stop('SIGKILL');
      }
    },
    DEADLINE_MS + 40_000,
  );

  it('runs without it when watchdog.enabled is false', async () => {
    const main = await startMain([
      '--role', 'standalone', '--http.port', '0', '--store.lmdb.path', join(dir, 'lmdb-off'),
      '--gate.tcpPort', '0', '--gate.wsPort', '0', '--gate.kcpPort', '0', '--gate.identityKeyPath', join(dir, 'gate-off.key'),
      '--watchdog.enabled', 'false',
    ]);
    try {
      expect(main.output()).toMatch(/ready \{.*"watchdog":"off"/);
      expect(main.output()).not.toMatch(/watchdog started/);
    } finally {
      expect(await main.stop()).toBe(0);
    }
  });
});
