/**
 * The repository's Dockerfile, checked by its structure (no Dockerfile linter installs here:
 * hadolint is not packaged by this machine's Debian release, and dockerfilelint, on npm, is no
 * longer maintained upstream):
 * a multi-stage build whose image holds the production build and production dependencies only,
 * runs as a non-root user, starts the bin of package.json and exposes every role's ports.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPLOY_DIR } from './deploy-queries.js';
import { loadDeployedConfig, SAMPLE_SECRET } from './deployed-config.js';
import { execForm, readStages, type Stage } from './dockerfile-instructions.js';

const ROOT = join(DEPLOY_DIR, '..');
const stages = readStages(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const runtime = stages.at(-1)!;
const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; engines: { node: string } };

const runs = (stage: Stage | undefined) => (stage?.instructions ?? []).filter((i) => i.keyword === 'RUN').map((i) => i.args).join(' && ');
const stageNamed = (name: string) => stages.find((s) => s.name === name);
/** `COPY --from=<stage> <src> <dest>` of the runtime stage, as [stage, src]. */
const copiedFrom = runtime.instructions.filter((i) => i.keyword === 'COPY' && i.args.includes('--from='))
  .map((i) => [/--from=(\S+)/.exec(i.args)?.[1] ?? '', i.args.split(/\s+/).filter((a) => !a.startsWith('--'))[0] ?? ''] as const);

describe('the Dockerfile', () => {
  it('builds in named stages from a pinned Node image of the version package.json requires', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const major = /\d+/.exec(pkg.engines.node)?.[0];
    for (const stage of stages) {
      expect(stage.name, stage.base).toBeDefined();
      expect(stage.base).toMatch(new RegExp(`^node:${major}[-.]`));
    }
  });

  it('compiles with the full dependency set and npm run build in a stage of its own', () => {
    const built = copiedFrom.find(([, src]) => src === '/app/dist');
    expect(built).toBeDefined();
    const build = runs(stageNamed(built![0]));
    expect(build).toMatch(/\bnpm ci\b(?! --omit=dev)/);
    expect(build).toMatch(/\bnpm run build\b/);
  });

  it('takes node_modules from a production install (npm ci --omit=dev)', () => {
    const deps = copiedFrom.find(([, src]) => src === '/app/node_modules');
    expect(deps).toBeDefined();
    expect(runs(stageNamed(deps![0]))).toMatch(/\bnpm ci --omit=dev\b/);
    expect(runs(runtime)).not.toMatch(/\bnpm\b/);
  });

  it('copies only from earlier stages', () => {
    const names = stages.slice(0, -1).map((s) => s.name);
    for (const [from] of copiedFrom) expect(names).toContain(from);
  });

  it('runs as a non-root user', () => {
    const users = runtime.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users.at(-1)).toBeDefined();
    expect(['root', '0']).not.toContain(users.at(-1)?.split(':')[0]);
  });

  it('starts the bin package.json names, as PID 1 so that SIGTERM reaches it and drains', () => {
    const entry = runtime.instructions.filter((i) => i.keyword === 'ENTRYPOINT').at(-1)!;
    expect(execForm(entry)).toEqual(['node', pkg.bin.tessera?.replace(/^\.\//, '')]);
    const cmd = runtime.instructions.filter((i) => i.keyword === 'CMD').at(-1)!;
    expect(execForm(cmd)).toEqual(['--role', 'standalone']);
  });

  it('exposes the client ports of a gate and the HTTP port of every role', () => {
    const exposed = runtime.instructions.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/));
    const env = { RPC_SECRET: SAMPLE_SECRET };
    const gate = loadDeployedConfig(env, ['--role', 'gate']).gate;
    const wanted = [`${gate.tcpPort}/tcp`, `${gate.wsPort}/tcp`, `${gate.kcpPort}/udp`,
      ...(['gate', 'lobby', 'services'] as const).map((role) => `${loadDeployedConfig(env, ['--role', role]).http.port}/tcp`)];
    expect(exposed.sort()).toEqual(wanted.sort());
  });

  it('copies files the repository has and the build context keeps', () => {
    const sources = stages.flatMap((s) => s.instructions).filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))
      .flatMap((i) => i.args.split(/\s+/).filter((a) => !a.startsWith('--')).slice(0, -1));
    for (const source of sources.filter((s) => s !== '.')) {
      expect(existsSync(join(ROOT, source)), source).toBe(true);
      expect(ignored, source).not.toContain(source);
    }
    for (const kept of ['node_modules', 'dist', '.git']) expect(ignored).toContain(kept);
  });
});
