/**
 * The game guide's code is real code: every TypeScript block of docs/game-guide.md is
 * type-checked against the public API (`tessera`, `tessera/client`, `tessera/testing`) with the
 * repository's compiler options, its config blocks and `npx tessera` command lines load as the
 * engine loads configuration, and the guide's own game test runs as written. The guide's game is written into a folder under
 * `.tmp/` in this repository, where `import … from 'tessera'` resolves to the engine's sources
 * (the `tessera-source` condition), and removed afterwards.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { blocksOf, checkConfigBlocks, checkServerCommands, compilerOptionsOf, typeCheck, writeProject } from './guide-blocks.js';

const ROOT = process.cwd();
const GUIDE = 'docs/game-guide.md';

const blocks = blocksOf(readFileSync(join(ROOT, GUIDE), 'utf8'));
mkdirSync(join(ROOT, '.tmp'), { recursive: true });
const project = writeProject(GUIDE, blocks, mkdtempSync(join(ROOT, '.tmp', 'game-guide-')));
afterAll(() => rmSync(project.dir, { recursive: true, force: true }));
const tests = [...project.sources.keys()].filter((file) => file.endsWith('.test.ts'));

describe('docs/game-guide.md', () => {
  it('holds a game of several files and its test, each file in one block', () => {
    expect(project.sources.size).toBeGreaterThan(1);
    expect(tests.length).toBeGreaterThan(0);
    expect(project.problems).toEqual([]);
  });

  it('has every TypeScript block compile against the public API', () => {
    expect(typeCheck(project, compilerOptionsOf(ROOT))).toEqual([]);
  }, 180_000);

  it('has JSON blocks that parse and config files that the engine loads', () => {
    const { problems, loaded } = checkConfigBlocks(GUIDE, blocks, project.dir);
    expect(problems).toEqual([]);
    expect(loaded).toBeGreaterThan(0);
  });

  it('has server command lines whose flags and variables the engine accepts with its shipped config files', () => {
    const { problems, checked } = checkServerCommands(GUIDE, blocks, join(ROOT, 'config'));
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });
});

// Imported while this file's tests are collected, the guide's test registers its tests here.
describe("the guide's game test, run as written", async () => {
  for (const file of tests) {
    try {
      await import(pathToFileURL(join(project.dir, file)).href);
    } catch (err) {
      // Reported as a failing test, so that the checks above still run.
      it(`loads ${file}`, () => {
        throw err;
      });
    }
  }
});
