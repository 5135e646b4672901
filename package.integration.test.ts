/**
 * The engine as a package: a production install of a fresh copy of the repository builds and
 * serves, and the tarball `npm pack` makes installs into a game's own project, where a game written
 * against the public API compiles against the installed types, runs on the installed `tessera` bin
 * and is played through `tessera/client`. Both share one install and build of the copy.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { copyWorkingTree, NPM_QUIET, REPO_ROOT, REPO_TSC, runCommand, startServer, stopServer, type ServerProcess } from './fixtures/package-install.js';

/** A server's listeners, all on free ports, and its store and gate key in `dir`. */
function serverFlags(dir: string): string[] {
  return [
    '--role', 'standalone', '--http.port', '0', '--gate.tcpPort', '0', '--gate.wsPort', '0', '--gate.kcpPort', '0',
    '--store.lmdb.path', join(dir, 'lmdb'), '--gate.identityKeyPath', join(dir, 'gate.key'), '--log.console.colors', 'false',
  ];
}

/** What `npm pack --json` says of the tarball it wrote. */
interface PackReport {
  filename: string;
  files: { path: string }[];
}

/** A package.json `exports` entry: a path, or conditions mapping to one. */
type ExportTarget = string | Record<string, string>;

describe('the engine as a package', () => {
  let work: string;
  let engine: string;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'tessera-package-'));
    engine = join(work, 'engine');
    await copyWorkingTree(engine);
    // The acceptance command's first two steps, from the npm cache (scripts/setup.sh filled it).
    await runCommand('npm', ['ci', '--omit=dev', '--prefer-offline', ...NPM_QUIET], { cwd: engine });
    await runCommand('npm', ['run', 'build'], { cwd: engine });
  }, 900_000);

  afterEach(() => {
    for (const server of servers.splice(0)) server.kill();
  });

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('after npm ci --omit=dev and npm run build, npm run start:prod serves a standalone server that SIGTERM stops with status 0', async () => {
    const server = startServer('npm', ['run', 'start:prod', '--', ...serverFlags(join(work, 'prod-data'))], { cwd: engine });
    servers.push(server);
    const ready = await server.ready;
    expect(ready).toMatchObject({ role: 'standalone', game: expect.any(String) });
    const health = await fetch(ready.http);
    expect(health.status, server.output()).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', role: 'standalone', state: 'ready' });
    // The admin dashboard's script, bundled by the build: served as it was written, not bundled again.
    const script = await fetch(new URL('/admin/main.js', ready.http));
    expect(script.status, server.output()).toBe(200);
    expect(await script.text()).toContain('sourceMappingURL=main.js.map');
    expect(server.output()).not.toContain('admin dashboard bundled');

    // The signal goes to npm, as `docker stop` sends it; the server itself must get it and stop.
    expect(await stopServer(server), server.output()).toBe(0);
    expect(server.output()).toMatch(/stopping \{"reason":"SIGTERM"\}/);
    await expect(fetch(ready.http)).rejects.toThrow();
  }, 300_000);

  it('packs into a tarball that a game project installs, compiles against, tests with tessera/testing, starts with the tessera bin and plays through tessera/client', async () => {
    // The copy is built already; prepack would only build it again.
    const packed = JSON.parse(await runCommand('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work, ...NPM_QUIET], { cwd: engine })) as PackReport[];
    const tarball = join(work, packed[0]!.filename);
    const files = packed[0]!.files.map((file) => file.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/main.js', 'config/standalone.jsonc', 'config/README.md']));
    expect(files.filter((file) => !/^(dist|config)\/|^(package\.json|README\.md|LICEN[CS]E(\.\w+)?)$/.test(file))).toEqual([]);
    expect(files.filter((file) => /\.test\.|\/fixtures\/|^dist\/engine\/testing\/|\.ts$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);

    const game = join(work, 'game');
    await mkdir(join(game, 'src'), { recursive: true });
    await writeFile(join(game, 'package.json'), JSON.stringify({ name: 'outside-game', version: '1.0.0', private: true, type: 'module' }, null, 2));
    await runCommand('npm', ['install', tarball, '--prefer-offline', ...NPM_QUIET], { cwd: game });
    const installed = join(game, 'node_modules', 'tessera');
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { exports: Record<string, ExportTarget> };

    // Every entry point's files are in the tarball, and its declarations refer only to files that are.
    const entryPoints = Object.keys(manifest.exports).filter((subpath) => subpath !== './package.json');
    for (const subpath of entryPoints) {
      const target = manifest.exports[subpath]!;
      for (const [condition, path] of Object.entries(typeof target === 'string' ? { default: target } : target)) {
        if (condition !== 'tessera-source') expect(files, `exports["${subpath}"].${condition}`).toContain(path.replace(/^\.\//, ''));
      }
    }
    expect(await missingDeclarations(installed, files.filter((file) => file.endsWith('.d.ts')))).toEqual([]);

    // The game, its player, and a module importing every entry point, compiled by the repository's
    // TypeScript against the installed declarations, with the libraries' declarations checked too.
    await copyFile(join(REPO_ROOT, 'fixtures', 'outside-game', 'game.ts'), join(game, 'src', 'game.ts'));
    await copyFile(join(REPO_ROOT, 'fixtures', 'outside-game', 'play.ts'), join(game, 'src', 'play.ts'));
    await copyFile(join(REPO_ROOT, 'fixtures', 'outside-game', 'game-test.ts'), join(game, 'src', 'game-test.ts'));
    const specifiers = entryPoints.map((subpath) => `tessera${subpath.slice(1)}`);
    await writeFile(join(game, 'src', 'entry-points.ts'), specifiers.map((specifier, i) => `export * as entry${i} from '${specifier}';\n`).join(''));
    await writeFile(
      join(game, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023'], types: ['node'],
          strict: true, noUncheckedIndexedAccess: true, noImplicitOverride: true, skipLibCheck: false, rootDir: 'src', outDir: 'dist',
        },
        include: ['src'],
      }),
    );
    await runCommand(process.execPath, [REPO_TSC, '-p', 'tsconfig.json'], { cwd: game });

    // Only the entry points resolve; the engine's own files do not, whatever the path.
    const probe = `const r = {}; for (const s of ${JSON.stringify([...specifiers, 'tessera/engine/ecs/world.js', 'tessera/dist/index.js', 'tessera/lobby/game-error'])}) r[s] = await import(s).then(() => 'resolved', (e) => e.code); console.log(JSON.stringify(r));`;
    const resolved = JSON.parse(await runCommand(process.execPath, ['--input-type=module', '-e', probe], { cwd: game })) as Record<string, string>;
    expect(resolved).toEqual({
      ...Object.fromEntries(specifiers.map((specifier) => [specifier, 'resolved'])),
      'tessera/engine/ecs/world.js': 'ERR_PACKAGE_PATH_NOT_EXPORTED',
      'tessera/dist/index.js': 'ERR_PACKAGE_PATH_NOT_EXPORTED',
      'tessera/lobby/game-error': 'ERR_PACKAGE_PATH_NOT_EXPORTED',
    });

    // The game's own test, on the installed test kit: a manual clock and a simulated client.
    expect(JSON.parse(await runCommand(process.execPath, ['dist/game-test.js'], { cwd: game }))).toEqual({ ok: true, ticks: 10 });

    // The game served by the installed bin, from the game's folder, with the engine's shipped config.
    const data = join(work, 'game-data');
    const bin = join(game, 'node_modules', '.bin', 'tessera');
    const first = startServer(bin, [...serverFlags(data), '--game', './dist/game.js'], { cwd: game });
    servers.push(first);
    const ready = await first.ready;
    expect(ready).toMatchObject({ role: 'standalone', game: 'outside' });
    const play = JSON.parse(await runCommand(process.execPath, ['dist/play.js', ready.login!, 'ada', 'first'], { cwd: game })) as Record<string, unknown>;
    expect(play).toMatchObject({
      uid: expect.any(String),
      points: 5,
      push: { points: 5 },
      refused: { code: 'SCORE_ERR_BAD_POINTS', message: 'points must be a positive integer' },
    });
    expect(play.ticks).toBeGreaterThan(0);
    expect(await stopServer(first), first.output()).toBe(0);

    // Started again on the same store, the player finds the points saved.
    const second = startServer(bin, [...serverFlags(data), '--game', './dist/game.js'], { cwd: game });
    servers.push(second);
    const again = JSON.parse(await runCommand(process.execPath, ['dist/play.js', (await second.ready).login!, 'ada', 'again'], { cwd: game }));
    expect(again).toEqual({ points: 6 });
    expect(await stopServer(second), second.output()).toBe(0);
  }, 600_000);
});

/**
 * The relative imports of the given declaration files (paths inside `root`) that name no file of
 * the list, as `file -> import`.
 */
async function missingDeclarations(root: string, declarations: string[]): Promise<string[]> {
  const present = new Set(declarations.map((file) => resolve(root, file)));
  const missing: string[] = [];
  for (const file of declarations) {
    const text = await readFile(join(root, file), 'utf8');
    for (const [, specifier] of text.matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = resolve(dirname(join(root, file)), specifier!.replace(/\.js$/, '.d.ts'));
      if (!present.has(target)) missing.push(`${file} -> ${specifier}`);
    }
  }
  return missing;
}
