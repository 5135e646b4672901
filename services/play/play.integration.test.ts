/**
 * The arena's web client in a real browser: Debian's Chromium, driven by playwright-core (no
 * browser download), against a real standalone server running the arena with `/play` on. Two
 * players open the page, register and log in through its form; one walks with the keyboard, and
 * the other's page draws that hero moving (from its synced mirror of the field). Both queue for a
 * 2v2 match with a key, two players of the Node SDK with them, and both pages move into the match.
 * Screenshots of the pages go to `.tmp/test-results/play/` (ignored by git).
 */
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, register } from '../../client-sim/login.js';
import { connectGate, type GateClient } from '../../client-sim/node-client.js';
import { findBinary } from '../../engine/testing/find-binary.js';
import { startMain, type MainProcess } from '../../engine/testing/main-process.js';

const PASSWORD = 'correct-horse-battery';
// The engine imports nothing from a game: what this test knows of the arena is written here.
/** Where heroes enter (examples/arena/rules.ts). */
const HERO = { spawn: { x: 50, y: 50 } };
/** The colour of other players' heroes (examples/arena/web/draw-scene.ts). */
const OTHER_HERO_COLOR = '#3b82f6';

/** A sprite as the arena's page drew it: world position and canvas position. */
interface DrawnSprite {
  id: string;
  kind: 'you' | 'hero' | 'monster';
  x: number;
  y: number;
  px: number;
  py: number;
}

/** The arena page's test hook, `window.demo` (examples/arena/web/main.ts). */
interface DemoHook {
  /** The type of the player's space. */
  space: string | undefined;
  self: string | undefined;
  frame(): DrawnSprite[];
}
const RESULTS = fileURLToPath(new URL('../../.tmp/test-results/play/', import.meta.url));

let dir: string;
let server: MainProcess;
let browser: Browser;

beforeAll(async () => {
  // Before anything starts: a missing browser fails here, naming scripts/setup.sh.
  const executablePath = findBinary('chromium');
  dir = await mkdtemp(join(tmpdir(), 'play-'));
  await mkdir(RESULTS, { recursive: true });
  server = await startMain([
    '--role', 'standalone', '--game', 'examples/arena', '--http.play', 'true', '--http.port', '0', '--rpc.port', '0',
    '--gate.tcpPort', '-1', '--gate.kcpPort', '-1', '--gate.wsPort', '0',
    '--gate.identityKeyPath', join(dir, 'gate.key'), '--store.lmdb.path', join(dir, 'lmdb'), '--login.scrypt.N', '1024',
  ]);
  browser = await chromium.launch({ executablePath });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

interface Player {
  page: Page;
  /** Uncaught errors of the page. */
  errors: string[];
  /** Its hero's id. */
  hero: string;
}

/** Opens /play in a browser context of its own, registers `username` through the form and waits until its hero is drawn. */
async function join_(username: string): Promise<Player> {
  const page = await (await browser.newContext({ viewport: { width: 800, height: 800 } })).newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`${err.name}: ${err.message}`));
  await page.goto(`${server.ready.login!}/play`);
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await page.click('#register');
  await page.waitForFunction(() => (globalThis as unknown as { demo: DemoHook }).demo.self !== undefined, undefined, { timeout: 15_000 });
  const hero = await page.evaluate(() => (globalThis as unknown as { demo: DemoHook }).demo.self!);
  return { page, errors, hero };
}

/** Where `page` last drew entity `id`. */
function drawnOn(page: Page, id: string): Promise<DrawnSprite | undefined> {
  return page.evaluate((id) => (globalThis as unknown as { demo: DemoHook }).demo.frame().find((s) => s.id === id), id);
}

describe('the arena in a browser', () => {
  it('serves the page and its script from the login service\'s origin', async () => {
    const page = await fetch(`${server.ready.login!}/play`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('src="/play/main.js"');
    expect(server.output()).toContain(`"play":"${server.ready.login!}/play"`);
  });

  it('two players log in; one walks with the keyboard and the other\'s page draws its hero moving', async () => {
    const alice = await join_(`alice-${process.pid}`);
    const bob = await join_(`bob-${process.pid}`);
    expect(alice.hero).not.toBe(bob.hero);

    for (const player of [alice, bob]) expect(await player.page.evaluate(() => (globalThis as unknown as { demo: DemoHook }).demo.space)).toBe('field');
    // Bob sees Alice standing at the spawn point, as another player.
    await bob.page.waitForFunction((id) => (globalThis as unknown as { demo: DemoHook }).demo.frame().some((s) => s.id === id), alice.hero);
    const before = (await drawnOn(bob.page, alice.hero))!;
    expect(before).toMatchObject({ kind: 'hero', x: HERO.spawn.x, y: HERO.spawn.y });

    // Alice holds D: her hero walks east, on her page and on Bob's.
    const walkedEast = (page: Page): Promise<unknown> =>
      page.waitForFunction(
        ({ id, x }) => ((globalThis as unknown as { demo: DemoHook }).demo.frame().find((s) => s.id === id)?.x ?? 0) > x,
        { id: alice.hero, x: before.x + 5 },
        { timeout: 10_000 },
      );
    await alice.page.keyboard.down('KeyD');
    await Promise.all([walkedEast(bob.page), walkedEast(alice.page)]);
    await alice.page.keyboard.up('KeyD');
    expect((await drawnOn(bob.page, alice.hero))!.y).toBeCloseTo(HERO.spawn.y, 3);
    expect(await drawnOn(alice.page, alice.hero)).toMatchObject({ kind: 'you' });
    // Bob himself never moved.
    expect(await drawnOn(bob.page, bob.hero)).toMatchObject({ kind: 'you', x: HERO.spawn.x, y: HERO.spawn.y });

    // Bob's canvas has another player's colour where it says it drew Alice (read in one go, between two frames).
    const pixel = await bob.page.evaluate((id) => {
      const sprite = (globalThis as unknown as { demo: DemoHook }).demo.frame().find((s) => s.id === id)!;
      const canvas = (globalThis as unknown as { document: { querySelector(s: string): { getContext(c: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } } } }).document.querySelector('#arena');
      const [r, g, b] = canvas.getContext('2d').getImageData(Math.round(sprite.px), Math.round(sprite.py), 1, 1).data;
      return `#${[r, g, b].map((c) => c!.toString(16).padStart(2, '0')).join('')}`;
    }, alice.hero);
    expect(pixel).toBe(OTHER_HERO_COLOR);

    for (const [name, player] of [['alice', alice], ['bob', bob]] as const) {
      const file = join(RESULTS, `arena-${name}.png`);
      await player.page.screenshot({ path: file });
      expect((await stat(file)).size).toBeGreaterThan(1_000);
    }
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });

  it('two players in browsers queue with Q, two players of the Node SDK with them, and both pages move into the 2v2 match', async () => {
    const carol = await join_(`carol-${process.pid}`);
    const dave = await join_(`dave-${process.pid}`);
    const others: GateClient[] = [];
    try {
      for (const name of ['erin', 'frank']) {
        const username = `${name}-${process.pid}`;
        await register(server.ready.login!, username, PASSWORD);
        const { token, gate } = await login(server.ready.login!, username, PASSWORD);
        const client = await connectGate({ endpoint: gate.ws!, transport: 'ws', gateKey: gate.publicKey });
        await client.auth(token);
        others.push(client);
        await client.request('arena.queue');
      }
      for (const player of [carol, dave]) await player.page.keyboard.press('KeyQ');
      for (const player of [carol, dave]) {
        await player.page.waitForFunction(() => (globalThis as unknown as { demo: DemoHook }).demo.space === 'match', undefined, { timeout: 15_000 });
        // Its own hero is drawn again, at its team's side of the match.
        await player.page.waitForFunction((id) => (globalThis as unknown as { demo: DemoHook }).demo.frame().some((s) => s.id === id && s.kind === 'you' && s.x !== 50), player.hero);
        expect(await player.page.textContent('#space')).toContain('2v2 match');
      }
      await carol.page.screenshot({ path: join(RESULTS, 'arena-match.png') });
      expect(carol.errors).toEqual([]);
      expect(dave.errors).toEqual([]);
    } finally {
      for (const client of others) client.close();
    }
  });
});
