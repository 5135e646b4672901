/**
 * The browser build of the client SDK: client-sim/browser-client.ts bundled for the browser
 * platform (a Node import would fail the build), then run in a context that has only what
 * browsers have (no Buffer, no process, no require; WebSocket, fetch, TextEncoder, crypto), against
 * a real standalone server over WebSocket.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startMain, type MainProcess } from '../engine/testing/main-process.js';
import type * as BrowserClient from './browser-client.js';

let dir: string;
let server: MainProcess;
let bundle: string;

beforeAll(async () => {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./browser-client.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'Tessera',
    write: false,
    logLevel: 'silent',
  });
  bundle = result.outputFiles[0]!.text;
  dir = await mkdtemp(join(tmpdir(), 'browser-client-'));
  server = await startMain([
    '--role', 'standalone', '--http.port', '0', '--rpc.port', '0', '--gate.tcpPort', '-1', '--gate.kcpPort', '-1', '--gate.wsPort', '0',
    '--gate.identityKeyPath', join(dir, 'gate.key'), '--store.lmdb.path', join(dir, 'lmdb'), '--login.scrypt.N', '1024',
  ]);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the bundle with browser globals only and returns its exports. */
function loadInBrowserLikeContext(): typeof BrowserClient {
  const context = createContext({
    WebSocket,
    fetch,
    crypto: globalThis.crypto,
    TextEncoder,
    TextDecoder,
    atob,
    btoa,
    URL,
    setTimeout,
    clearTimeout,
    queueMicrotask,
    performance,
    console,
  });
  runInContext(bundle, context);
  return (context as unknown as { Tessera: typeof BrowserClient }).Tessera;
}

describe('the browser client', () => {
  it('bundles for the browser without any Node module', () => {
    expect(bundle.length).toBeGreaterThan(10_000);
    expect(bundle).not.toMatch(/require\(["']node:/);
  });

  it('logs in, connects over WebSocket, and gets a reply and a push with no Node globals', async () => {
    const Tessera = loadInBrowserLikeContext();
    expect(runInContext('typeof Buffer + typeof process + typeof require', createContext({}))).toBe('undefinedundefinedundefined');
    const username = `browser-${process.pid}`;
    await Tessera.register(server.ready.login!, username, 'correct-horse-battery');
    const { token, gate } = await Tessera.login(server.ready.login!, username, 'correct-horse-battery');
    const client = await Tessera.connectBrowser({ url: gate.ws!, gateKey: gate.publicKey });
    await client.auth(token);
    expect(await client.request('Echo.echo', { from: 'a browser' })).toEqual({ from: 'a browser' });
    const big = { list: Array.from({ length: 300 }, (_, i) => `entry number ${i}`) };
    expect(await client.request('Echo.echo', big)).toEqual(big);
    const changed = new Promise((resolve) => client.on('inventory.changed', resolve));
    await client.request('Inventory.buy', 'bow', 20);
    expect(await changed).toEqual({ gold: 80, items: ['bow'] });
    client.close();
  });
});
