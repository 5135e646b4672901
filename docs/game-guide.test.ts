/**
 * The game guide's code is real code. Every ```ts block of docs/game-guide.md is type-checked
 * against the public API (`tessera`, `tessera/client`, `tessera/testing`) with the repository's
 * compiler options, every config block is loaded as the engine loads its configuration, and the
 * guide's own game test runs as written.
 *
 * A block whose first line is a comment naming a path (`// src/garden.ts`, `// config/lobby.jsonc`)
 * is that file of the guide's game, the path taken from the game's repository root. Any other
 * ```ts block is a snippet, compiled on its own as one more file beside the game's sources
 * (`src/`), so it may import them. The game is written into a folder under `.tmp/` in this
 * repository, where `import … from 'tessera'` resolves to the engine's sources as it does for the
 * examples, and removed afterwards.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse, type ParseError } from 'jsonc-parser';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, ROLES, type Role } from '../engine/config/index.js';

const ROOT = process.cwd();
const GUIDE = 'docs/game-guide.md';
/** Where snippets are written: beside the game's sources. */
const SNIPPET_DIR = 'src';
/** A first line that names the block's file. */
const FILE_LINE = /^\/\/ ((?:[\w.-]+\/)*[\w.-]+\.(?:ts|jsonc?))$/;

/** One fenced block of the guide. */
interface Block {
  lang: string;
  /** Line of the guide (1-based) holding the block's first line of code. */
  line: number;
  text: string;
  /** The game file it is, from its first line; undefined for a snippet. */
  file: string | undefined;
}

/** The fenced blocks of a Markdown text, with the line each starts on. */
function blocksOf(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i + 1;
    do i++;
    while (i < lines.length && !/^```\s*$/.test(lines[i]!));
    const text = lines.slice(start, i).join('\n');
    blocks.push({ lang: open[1]!, line: start + 1, text, file: FILE_LINE.exec(lines[start] ?? '')?.[1] });
  }
  return blocks;
}

const markdown = readFileSync(join(ROOT, GUIDE), 'utf8');
const blocks = blocksOf(markdown);
const tsBlocks = blocks.filter((b) => b.lang === 'ts' || b.lang === 'typescript');
const configBlocks = blocks.filter((b) => b.lang === 'jsonc' || b.lang === 'json');

/** Game file (or snippet file) -> the block it came from. */
const sources = new Map<string, Block>();
const duplicates: string[] = [];
for (const block of tsBlocks) {
  const file = block.file ?? `${SNIPPET_DIR}/snippet-at-line-${block.line}.ts`;
  if (sources.has(file)) duplicates.push(`${GUIDE}:${block.line}: ${file} is also the block at line ${sources.get(file)!.line}`);
  sources.set(file, block);
}

mkdirSync(join(ROOT, '.tmp'), { recursive: true });
const projectDir = mkdtempSync(join(ROOT, '.tmp', 'game-guide-'));
for (const [file, block] of sources) {
  const path = resolve(projectDir, file);
  if (relative(projectDir, path).startsWith('..')) throw new Error(`${GUIDE}:${block.line}: ${file} leaves the game's folder`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, block.text);
}
afterAll(() => rmSync(projectDir, { recursive: true, force: true }));

/** The repository's compiler options, for a program that only checks. */
function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  return { ...parsed.options, noEmit: true, sourceMap: false, moduleDetection: ts.ModuleDetectionKind.Force };
}

/** `docs/game-guide.md:<line>: <file>: <message>` for a diagnostic in a block's file. */
function describeDiagnostic(diagnostic: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (!diagnostic.file || diagnostic.start === undefined) return `TS${diagnostic.code}: ${message}`;
  const file = relative(projectDir, diagnostic.file.fileName).split('\\').join('/');
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const block = sources.get(file);
  const where = block ? `${GUIDE}:${block.line + line}: ${block.file ?? 'snippet'}` : diagnostic.file.fileName;
  return `${where}: TS${diagnostic.code}: ${message}`;
}

describe('docs/game-guide.md', () => {
  it('holds code blocks, each file of the game once', () => {
    expect(tsBlocks.length).toBeGreaterThan(0);
    expect([...sources.keys()].some((file) => file.endsWith('.test.ts'))).toBe(true);
    expect(duplicates).toEqual([]);
  });

  it('type-checks every TypeScript block against the public API', () => {
    const roots = [...sources.keys()].map((file) => join(projectDir, file));
    const program = ts.createProgram(roots, compilerOptions());
    // Only the guide's files are checked: the engine's own are tsc's business.
    const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
    for (const root of roots) {
      const source = program.getSourceFile(root);
      if (!source) throw new Error(`${root} was not compiled`);
      diagnostics.push(...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source));
    }
    expect(diagnostics.map(describeDiagnostic)).toEqual([]);
  }, 180_000);

  it('has config blocks the engine loads', () => {
    const problems: string[] = [];
    let loaded = 0;
    for (const block of configBlocks) {
      const errors: ParseError[] = [];
      parse(block.text, errors, { allowTrailingComma: true });
      if (errors.length) problems.push(`${GUIDE}:${block.line}: not valid JSONC (offset ${errors[0]!.offset})`);
      const role = /^config\/(\w+)\.jsonc$/.exec(block.file ?? '')?.[1];
      if (!ROLES.includes(role as Role) || errors.length) continue;
      const dir = mkdtempSync(join(projectDir, 'config-'));
      writeFileSync(join(dir, `${role}.jsonc`), block.text);
      try {
        loadConfig({ configDir: dir, role: role as Role, argv: [], env: { RPC_SECRET: 'a-cluster-secret-of-at-least-32-bytes!!' } });
        loaded++;
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        problems.push(`${GUIDE}:${block.line}: ${block.file}: ${err.message}`);
      }
    }
    expect(problems).toEqual([]);
    expect(loaded).toBeGreaterThan(0);
  });
});

// Imported while this file's tests are collected, the game's test registers its own tests here.
describe("the guide's game test, run as written", async () => {
  for (const file of sources.keys()) {
    if (!file.endsWith('.test.ts')) continue;
    try {
      await import(pathToFileURL(join(projectDir, file)).href);
    } catch (err) {
      // Reported as a failing test, so that the checks above still run.
      it(`loads ${file}`, () => {
        throw err;
      });
    }
  }
});
