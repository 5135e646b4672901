/**
 * The code blocks of a guide written as a small project and checked: TypeScript blocks
 * type-checked in one program, config blocks and the server command lines of shell blocks loaded
 * as the engine loads its configuration.
 *
 * A block whose first line is a comment naming a path (`// src/garden.ts`, `// config/lobby.jsonc`)
 * is that file of the guide's project, the path taken from the project's root. Any other
 * TypeScript block is a snippet, written as one more file of the project's `src/` (so it may
 * import the project's sources) and compiled with the rest.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse, type ParseError } from 'jsonc-parser';
import ts from 'typescript';
import { ConfigError, loadConfig, ROLES, type Role } from '../engine/config/index.js';

/** A first line that names the block's file. */
const FILE_LINE = /^\/\/ ((?:[\w.-]+\/)*[\w.-]+\.(?:ts|jsonc?))$/;
/** Where snippets are written: beside the project's sources. */
const SNIPPET_DIR = 'src';
/** What config blocks are loaded with: the cluster secret the shipped files read. */
const CONFIG_ENV = { RPC_SECRET: 'a-cluster-secret-of-at-least-32-bytes!!' };

/** One fenced block of a Markdown text. */
export interface Block {
  /** The fence's language: `ts`, `jsonc`, `sh`, or '' for none. */
  lang: string;
  /** Line (1-based) of the block's first line of code. */
  line: number;
  text: string;
  /** The project file it is, from its first line; undefined for a snippet. */
  file: string | undefined;
}

/** The TypeScript blocks of a guide, written out as a project. */
export interface GuideProject {
  /** The guide's path, in messages. */
  guide: string;
  dir: string;
  /** Project file (snippets under `src/snippet-at-line-<n>.ts`) -> the block it is. */
  sources: ReadonlyMap<string, Block>;
  /** Two blocks naming one file, or a file outside the project: each a message. */
  problems: string[];
}

/** The fenced blocks of `markdown`, in order. */
export function blocksOf(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i + 1;
    do i++;
    while (i < lines.length && !/^```\s*$/.test(lines[i]!));
    blocks.push({ lang: open[1]!, line: start + 1, text: lines.slice(start, i).join('\n'), file: FILE_LINE.exec(lines[start] ?? '')?.[1] });
  }
  return blocks;
}

/** Writes the TypeScript blocks of `blocks` as the files of a project in `dir`. */
export function writeProject(guide: string, blocks: readonly Block[], dir: string): GuideProject {
  const sources = new Map<string, Block>();
  const problems: string[] = [];
  for (const block of blocks) {
    if (block.lang !== 'ts' && block.lang !== 'typescript') continue;
    const file = block.file ?? `${SNIPPET_DIR}/snippet-at-line-${block.line}.ts`;
    const path = resolve(dir, file);
    const seen = sources.get(file);
    if (seen) problems.push(`${guide}:${block.line}: ${file} is also the block at line ${seen.line}`);
    else if (relative(dir, path).startsWith('..')) problems.push(`${guide}:${block.line}: ${file} is outside the project`);
    else {
      sources.set(file, block);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, block.text);
    }
  }
  return { guide, dir, sources, problems };
}

/**
 * The compiler options of the tsconfig.json in `root`, for a program that only checks.
 * @throws Error when the file cannot be read or parsed.
 */
export function compilerOptionsOf(root: string): ts.CompilerOptions {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return { ...parsed.options, noEmit: true, sourceMap: false, moduleDetection: ts.ModuleDetectionKind.Force };
}

/**
 * Type-checks every file of `project` in one program. Only the project's files are checked: what
 * they import is read for its types only.
 * @returns one message per problem, `<guide>:<line>: <file>: TS<code>: <message>`; empty when all compile.
 */
export function typeCheck(project: GuideProject, options: ts.CompilerOptions): string[] {
  const roots = [...project.sources.keys()].map((file) => join(project.dir, file));
  const program = ts.createProgram(roots, options);
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const root of roots) {
    const source = program.getSourceFile(root);
    if (!source) throw new Error(`${root} was not compiled`);
    diagnostics.push(...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source));
  }
  return diagnostics.map((diagnostic) => describeDiagnostic(project, diagnostic));
}

function describeDiagnostic(project: GuideProject, diagnostic: ts.Diagnostic): string {
  const message = `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  if (!diagnostic.file || diagnostic.start === undefined) return message;
  const file = relative(project.dir, diagnostic.file.fileName).split('\\').join('/');
  const block = project.sources.get(file);
  if (!block) return `${diagnostic.file.fileName}: ${message}`;
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${project.guide}:${block.line + line}: ${block.file ?? 'snippet'}: ${message}`;
}

/** What stands for a value the shell would compute (`$(openssl rand …)`): a valid cluster secret. */
const COMPUTED_VALUE = CONFIG_ENV.RPC_SECRET;

/**
 * Checks the server command lines of the shell blocks as the engine reads them: each
 * `npx tessera …` (and `npm start -- …`, which runs the standalone role) must give a configuration
 * that loads from the engine's shipped files in `configDir`, with the block's `export`s and the
 * line's own `NAME=value` prefixes as its environment (`RPC_SECRET` set unless the block sets it).
 * @returns the problems, one message each, and how many command lines were checked.
 */
export function checkServerCommands(guide: string, blocks: readonly Block[], configDir: string): { problems: string[]; checked: number } {
  const problems: string[] = [];
  let checked = 0;
  for (const block of blocks) {
    if (block.lang !== 'sh') continue;
    const env: Record<string, string> = { ...CONFIG_ENV };
    const lines: Array<{ text: string; line: number }> = [];
    block.text.split('\n').forEach((text, i) => {
      const last = lines.at(-1);
      if (last?.text.endsWith('\\')) last.text = `${last.text.slice(0, -1)} ${text.trim()}`;
      else lines.push({ text, line: block.line + i });
    });
    for (const { text, line } of lines) {
      for (const command of text.replace(/(^|\s)#.*$/, '').split('&&')) {
        const words = command.trim().split(/\s+/).filter(Boolean);
        const assignments: Record<string, string> = {};
        while (words[0] !== undefined && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
          const [name, ...value] = words.shift()!.split('=');
          assignments[name!] = value.join('=').includes('$(') ? COMPUTED_VALUE : value.join('=');
        }
        if (words[0] === 'export') {
          Object.assign(env, assignments);
          for (const word of words.slice(1)) {
            const [name, ...value] = word.split('=');
            env[name!] = value.join('=').includes('$(') ? COMPUTED_VALUE : value.join('=');
          }
          continue;
        }
        const argv = words[0] === 'npx' && words[1] === 'tessera' ? words.slice(2) : words.slice(0, 3).join(' ') === 'npm start --' ? ['--role', 'standalone', ...words.slice(3)] : undefined;
        if (!argv) continue;
        checked++;
        try {
          loadConfig({ configDir, argv, env: { ...env, ...assignments } });
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          problems.push(`${guide}:${line}: \`${command.trim()}\`: ${err.message}`);
        }
      }
    }
  }
  return { problems, checked };
}

/**
 * Checks the JSON and JSONC blocks: each must parse, and one naming a role's file
 * (`// config/lobby.jsonc`) must load with the engine's `loadConfig` as that role's file, with
 * `RPC_SECRET` set. Files are written under `dir`.
 * @returns the problems, one message each, and how many config files loaded.
 */
export function checkConfigBlocks(guide: string, blocks: readonly Block[], dir: string): { problems: string[]; loaded: number } {
  const problems: string[] = [];
  let loaded = 0;
  for (const block of blocks) {
    if (block.lang !== 'json' && block.lang !== 'jsonc') continue;
    const errors: ParseError[] = [];
    parse(block.text, errors, { allowTrailingComma: true });
    if (errors.length) {
      problems.push(`${guide}:${block.line}: not valid JSONC (at offset ${errors[0]!.offset})`);
      continue;
    }
    const role = /^config\/(\w+)\.jsonc$/.exec(block.file ?? '')?.[1];
    if (!ROLES.includes(role as Role)) continue;
    const configDir = mkdtempSync(join(dir, 'config-'));
    writeFileSync(join(configDir, `${role}.jsonc`), block.text);
    try {
      loadConfig({ configDir, role: role as Role, argv: [], env: CONFIG_ENV });
      loaded++;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(`${guide}:${block.line}: ${block.file}: ${err.message}`);
    }
  }
  return { problems, loaded };
}
