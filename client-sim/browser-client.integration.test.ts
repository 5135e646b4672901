/**
 * The browser SDK in a real browser: Debian's Chromium, driven by playwright-core (no browser
 * download). client-sim/browser-client.ts is bundled for the browser platform (a Node import
 * would fail the build) and served by a small HTTP server on another port than the login
 * service, so the page's origin differs from the service's and every login is a cross-origin
 * fetch that CORS must allow. Against a real standalone server, the page registers, logs in,
 * connects over WebSocket with the SDK's defaults (no clock passed), and sees a reply, a
 * compressed reply, a push and the SDK's coded errors. A page served from an origin the service
 * does not allow cannot log in.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode } from '@msgpack/msgpack';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinary } from '../engine/testing/find-binary.js';
import { freePort } from '../engine/testing/free-port.js';
import { startMain, type MainProcess } from '../engine/testing/main-process.js';
import type * as BrowserClient from './browser-client.js';

const PASSWORD = 'correct-horse-battery';

let dir: string;
let bundle: string;
let server: MainProcess;
let browser: Browser;
/** The page's origin, which the login service allows. */
let allowedPage: PageServer;
/** Another origin, which it does not. */
let strangerPage: PageServer;

interface PageServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves an empty page that loads the bundle as `window.Tessera`, on its own loopback port. */
async function servePage(): Promise<PageServer> {
  const http: Server = createServer((req, res) => {
    if (req.url === '/tessera.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>tessera</title><script src="/tessera.js"></script>');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise((resolve) => http.close(() => resolve())) };
}

beforeAll(async () => {
  // Before anything starts: a missing browser fails here, naming scripts/setup.sh.
  const executablePath = findBinary('chromium');
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
  allowedPage = await servePage();
  strangerPage = await servePage();
  dir = await mkdtemp(join(tmpdir(), 'browser-client-'));
  server = await startMain([
    '--role', 'standalone', '--http.port', '0', '--rpc.port', '0', '--gate.tcpPort', '-1', '--gate.kcpPort', '-1', '--gate.wsPort', '0',
    '--gate.identityKeyPath', join(dir, 'gate.key'), '--store.lmdb.path', join(dir, 'lmdb'), '--login.scrypt.N', '1024',
    '--log.level', 'debug', '--login.cors.origins', allowedPage.origin,
  ]);
  browser = await chromium.launch({ executablePath });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await allowedPage?.close();
  await strangerPage?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A fresh page of `origin` with the bundle loaded; uncaught errors of the page land in `errors`. */
async function openPage(origin: string): Promise<{ page: Page; errors: string[]; console: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const console: string[] = [];
  page.on('pageerror', (err) => errors.push(`${err.name}: ${err.message}`));
  page.on('console', (message) => console.push(message.text()));
  await page.goto(`${origin}/`);
  return { page, errors, console };
}

describe('the browser SDK in Chromium', () => {
  it('bundles for the browser with no Node module and no Node global', () => {
    expect(bundle.length).toBeGreaterThan(10_000);
    expect(bundle).not.toMatch(/\brequire\(|\bBuffer\b|(?<![.\w])process\.|setImmediate/);
  });

  it('logs in across origins, connects with the default clock, and gets a reply, a compressed reply and a push', async () => {
    const { page, errors } = await openPage(allowedPage.origin);
    // Sizes of the WebSocket frames the page receives, as the browser sees them.
    const frames: number[] = [];
    page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => frames.push(payload.length)));
    const big = { list: Array.from({ length: 300 }, (_, i) => `entry number ${i}`) };
    const seen = await page.evaluate(
      async ({ loginUrl, username, password, big }) => {
        const T = (globalThis as unknown as { Tessera: typeof BrowserClient }).Tessera;
        const uid = await T.register(loginUrl, username, password);
        const { token, gate } = await T.login(loginUrl, username, password);
        const client = await T.connectBrowser({ url: gate.ws!, gateKey: gate.publicKey });
        const session = await client.auth(token);
        const echo = await client.request('Echo.echo', { from: 'a browser' });
        const bigEcho = await client.request('Echo.echo', big);
        const changed = new Promise((resolve) => client.on('inventory.changed', resolve));
        await client.request('Inventory.buy', 'bow', 20);
        const push = await changed;
        client.close();
        const pageOrigin = (globalThis as unknown as { location: { origin: string } }).location.origin;
        return { uid, sessionUid: session.uid, echo, bigEcho, push, sameOrigin: new URL(loginUrl).origin === pageOrigin };
      },
      { loginUrl: server.ready.login!, username: `browser-${process.pid}`, password: PASSWORD, big },
    );
    expect(seen.sameOrigin).toBe(false);
    expect(seen.sessionUid).toBe(seen.uid);
    expect(seen.echo).toEqual({ from: 'a browser' });
    expect(seen.bigEcho).toEqual(big);
    expect(seen.push).toEqual({ gold: 80, items: ['bow'] });
    // The big reply came deflated: no frame the page received was near its encoded size.
    const encoded = encode([big]).length;
    expect(frames.length).toBeGreaterThan(0);
    expect(Math.max(...frames)).toBeLessThan(encoded / 2);
    // Nothing the SDK scheduled threw (`handle.unref is not a function` did, with Node's clock).
    expect(errors).toEqual([]);
  });

  it("names a malformed gate key, a gate that cannot be reached and an empty token with the SDK's codes", async () => {
    const { page, errors } = await openPage(allowedPage.origin);
    const closedPort = await freePort();
    const codes = await page.evaluate(
      async ({ loginUrl, username, password, closedPort }) => {
        const T = (globalThis as unknown as { Tessera: typeof BrowserClient }).Tessera;
        const caught = (err: { name: string; code?: string; message: string }) => ({ name: err.name, code: err.code, message: err.message });
        await T.register(loginUrl, username, password);
        const { token, gate } = await T.login(loginUrl, username, password);
        const badKey = await T.connectBrowser({ url: gate.ws!, gateKey: `${gate.publicKey.slice(0, 40)}!!!=` }).then(() => undefined, caught);
        const shortKey = await T.connectBrowser({ url: gate.ws!, gateKey: gate.publicKey.slice(4) }).then(() => undefined, caught);
        const badUrl = await T.connectBrowser({ url: gate.ws!.replace('ws:', 'http:'), gateKey: gate.publicKey }).then(() => undefined, caught);
        const closed = await T.connectBrowser({ url: `ws://127.0.0.1:${closedPort}/`, gateKey: gate.publicKey }).then(() => undefined, caught);
        const client = await T.connectBrowser({ url: gate.ws!, gateKey: gate.publicKey });
        const emptyToken = await client.auth('').then(() => undefined, caught);
        const session = await client.auth(token);
        client.close();
        return { badKey, shortKey, badUrl, closed, emptyToken, authenticated: session.uid.length > 0 };
      },
      { loginUrl: server.ready.login!, username: `browser-errors-${process.pid}`, password: PASSWORD, closedPort },
    );
    expect(codes.badKey).toMatchObject({ name: 'ClientError', code: 'CLIENT_ERR_INVALID_GATE_KEY' });
    expect(codes.badKey!.message).toMatch(/gateKey is a string of 44 characters with characters outside base64/);
    expect(codes.badKey!.message).not.toMatch(/InvalidCharacterError|atob/);
    expect(codes.shortKey).toMatchObject({ code: 'CLIENT_ERR_INVALID_GATE_KEY' });
    expect(codes.badUrl).toMatchObject({ code: 'CLIENT_ERR_INVALID_ENDPOINT' });
    expect(codes.closed).toMatchObject({ code: 'CLIENT_ERR_CONNECT_FAILED' });
    expect(codes.closed!.message).toContain(`ws://127.0.0.1:${closedPort}/`);
    expect(codes.emptyToken).toMatchObject({ code: 'CLIENT_ERR_INVALID_TOKEN' });
    expect(codes.authenticated).toBe(true);
    expect(errors).toEqual([]);
  });

  it('cannot log in from a page of an origin the login service does not allow', async () => {
    const { page, console } = await openPage(strangerPage.origin);
    const seen = await page.evaluate(
      async ({ loginUrl, password }) => {
        const T = (globalThis as unknown as { Tessera: typeof BrowserClient }).Tessera;
        const raw = await fetch(`${loginUrl}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nobody', password }) }).then(
          (res) => `answered ${res.status}`,
          (err: Error) => `${err.name}: ${err.message}`,
        );
        const sdk = await T.login(loginUrl, 'nobody', password).then(
          () => undefined,
          (err: { name: string; code?: string; message: string }) => ({ name: err.name, code: err.code, message: err.message }),
        );
        return { raw, sdk };
      },
      { loginUrl: server.ready.login!, password: PASSWORD },
    );
    expect(seen.raw).toBe('TypeError: Failed to fetch');
    expect(seen.sdk).toMatchObject({ name: 'ClientError', code: 'CLIENT_ERR_LOGIN_UNREACHABLE' });
    expect(seen.sdk!.message).toMatch(/login\.cors\.origins/);
    expect(console.some((line) => line.includes('blocked by CORS policy'))).toBe(true);
    expect(server.output()).toContain('cors: origin not allowed');
    expect(server.output()).toContain(strangerPage.origin);
  });
});
