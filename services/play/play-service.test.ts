import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../engine/testing/memory-logger.js';
import { PlayService } from './play-service.js';

let dir: string;
let app: FastifyInstance;
let logger: MemoryLogger;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'play-service-'));
  app = Fastify();
  logger = new MemoryLogger();
});

afterEach(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

async function game(files: Record<string, string>): Promise<void> {
  await mkdir(join(dir, 'game', 'web'), { recursive: true });
  await writeFile(join(dir, 'game', 'index.ts'), '');
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, 'game', 'web', name), text);
}

async function start(): Promise<PlayService> {
  const play = new PlayService({ app, game: 'game', cwd: dir, logger });
  await play.start();
  return play;
}

describe('the web client at /play', () => {
  it('serves the engine\'s page, which loads the bundled script, and the script\'s source map, none of them cached', async () => {
    await game({ 'main.ts': "const greeting: string = 'hello from the game';\ndocument.body.append(greeting);\n" });
    const play = await start();
    expect(play.served).toBe(true);
    const page = await app.inject({ method: 'GET', url: '/play' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.body).toContain('<title>game</title>');
    expect(page.body).toContain('<script type="module" src="/play/main.js"></script>');
    const script = await app.inject({ method: 'GET', url: '/play/main.js' });
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['x-content-type-options']).toBe('nosniff');
    expect(script.body).toContain('hello from the game');
    expect(script.body).not.toContain('greeting: string');
    const map = await app.inject({ method: 'GET', url: '/play/main.js.map' });
    expect(map.headers['content-type']).toBe('application/json; charset=utf-8');
    expect((JSON.parse(map.body) as { sources: string[] }).sources.some((s) => s.endsWith('game/web/main.ts'))).toBe(true);
    expect(logger.at('info').find((l) => l.message === 'web client ready')?.meta).toMatchObject({ path: '/play', script: join(dir, 'game/web/main.ts') });
  });

  it('serves the game\'s own page when it ships web/index.html', async () => {
    await game({ 'main.ts': 'export {};\n', 'index.html': '<!doctype html><title>My game</title><canvas></canvas><script type="module" src="/play/main.js"></script>' });
    await start();
    expect((await app.inject({ method: 'GET', url: '/play' })).body).toBe('<!doctype html><title>My game</title><canvas></canvas><script type="module" src="/play/main.js"></script>');
  });

  it('serves nothing for a game without a web client, and says so in the log with the paths it tried', async () => {
    await mkdir(join(dir, 'game'), { recursive: true });
    await writeFile(join(dir, 'game', 'index.ts'), '');
    const play = await start();
    expect(play.served).toBe(false);
    expect((await app.inject({ method: 'GET', url: '/play' })).statusCode).toBe(404);
    const line = logger.at('info').find((l) => l.message === 'the game has no web client: /play is not served');
    expect(line?.meta).toMatchObject({ game: 'game', tried: expect.arrayContaining([join(dir, 'game/web/main.ts')]) });
  });

  it('stops the start when the script does not build, with esbuild\'s message', async () => {
    await game({ 'main.ts': "import 'node:child_process';\n" });
    await expect(start()).rejects.toThrow(/web client .*game\/web\/main\.ts does not build:\n {2}.*main\.ts:1:\d+: .*node:child_process/);
  });

  it('refuses a second start', async () => {
    await game({ 'main.ts': 'export {};\n' });
    const play = await start();
    await expect(play.start()).rejects.toThrow('PlayService.start: already started');
  });
});
