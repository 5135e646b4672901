import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { isTypeScript, siblingModule, startWorkerThread, workerExecArgv } from './worker-thread.js';

// Both listeners are attached at once: a worker that exits before its message is read has the
// message drained and 'exit' emitted in the same turn, before an await could attach a second one.
async function firstMessage(worker: Worker): Promise<{ message: unknown; code: number }> {
  const [[message], [code]] = (await Promise.all([once(worker, 'message'), once(worker, 'exit')])) as [[unknown], [number]];
  return { message, code };
}

describe('startWorkerThread', () => {
  it('runs a TypeScript module that imports the package by name, and the worker exits by itself', async () => {
    const worker = startWorkerThread(new URL('./fixtures/echo-worker.ts', import.meta.url), { word: 'hello' });
    expect(await firstMessage(worker)).toEqual({ message: { echo: 'hello', think: { kind: 'constant', ms: 5 } }, code: 0 });
  });

  it('runs a JavaScript module, as from the build, as it is', async () => {
    const module = 'data:text/javascript,export default { plain: true }';
    const worker = startWorkerThread(new URL('./fixtures/import-worker.mjs', import.meta.url), { module });
    expect(await firstMessage(worker)).toEqual({ message: { plain: true }, code: 0 });
  });

  it('registers tsx in a JavaScript worker that imports TypeScript (a scenario)', async () => {
    const module = new URL('./fixtures/typed-value.ts', import.meta.url).href;
    const worker = startWorkerThread(new URL('./fixtures/import-worker.mjs', import.meta.url), { module }, { typescript: true });
    expect(await firstMessage(worker)).toEqual({ message: { typed: true }, code: 0 });
  });
});

describe('siblingModule', () => {
  it('keeps the extension of the module it is beside', () => {
    expect(siblingModule('bot-worker', 'file:///repo/client-sim/bots/bot-runner.ts').href).toBe('file:///repo/client-sim/bots/bot-worker.ts');
    expect(siblingModule('bot-worker', 'file:///pkg/dist/client-sim/bots/bot-runner.js').href).toBe('file:///pkg/dist/client-sim/bots/bot-worker.js');
  });
});

describe('isTypeScript', () => {
  it('tells TypeScript modules from JavaScript ones', () => {
    expect(['a.ts', 'a.mts', 'a.cts', '/x/play.ts'].every(isTypeScript)).toBe(true);
    expect(['a.js', 'a.mjs', 'a.d.ts.map', 'ts'].some(isTypeScript)).toBe(false);
  });
});

describe('workerExecArgv', () => {
  it("keeps this process's Node flags but those that load code, and adds the source condition from the sources", () => {
    const tsx = ['--require', '/x/tsx/preflight.cjs', '--import', 'file:///x/tsx/loader.mjs', '--conditions=tessera-source'];
    expect(workerExecArgv([...tsx, '--cpu-prof', '--import=tsx', '-r', 'a.cjs', '--enable-source-maps'], true)).toEqual([
      '--conditions=tessera-source',
      '--cpu-prof',
      '--enable-source-maps',
      '--conditions=tessera-source',
    ]);
    expect(workerExecArgv(['--conditions', 'custom', '--loader', 'x.mjs'], false)).toEqual(['--conditions', 'custom']);
  });
});
