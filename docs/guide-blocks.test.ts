import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blocksOf, checkConfigBlocks, checkServerCommands, compilerOptionsOf, typeCheck, writeProject } from './guide-blocks.js';

const ROOT = process.cwd();
const fence = '```';

/** A guide of `parts`, each a block `[lang, text]` or a line of prose. */
function guide(...parts: Array<string | [string, string]>): string {
  return parts.map((part) => (typeof part === 'string' ? part : `${fence}${part[0]}\n${part[1]}\n${fence}`)).join('\n');
}

describe('guide blocks', () => {
  let dir: string;

  beforeEach(() => {
    mkdirSync(join(ROOT, '.tmp'), { recursive: true });
    dir = mkdtempSync(join(ROOT, '.tmp', 'guide-blocks-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds each fenced block with its language, first line of code and the file its first line names', () => {
    const blocks = blocksOf(guide('# Title', ['ts', '// src/a.ts\nexport const a = 1;'], 'text', ['sh', 'npm test'], ['', 'plain']));
    expect(blocks).toEqual([
      { lang: 'ts', line: 3, text: '// src/a.ts\nexport const a = 1;', file: 'src/a.ts' },
      { lang: 'sh', line: 8, text: 'npm test', file: undefined },
      { lang: '', line: 11, text: 'plain', file: undefined },
    ]);
  });

  it('writes named blocks as their files and snippets beside the sources, so a snippet may import them', () => {
    const blocks = blocksOf(guide(['ts', '// src/a.ts\nexport const a = 1;'], ['ts', "import { a } from './a.js';\nexport const b: number = a;"]));
    const project = writeProject('guide.md', blocks, dir);
    expect([...project.sources.keys()]).toEqual(['src/a.ts', 'src/snippet-at-line-6.ts']);
    expect(readFileSync(join(dir, 'src/a.ts'), 'utf8')).toBe('// src/a.ts\nexport const a = 1;');
    expect(typeCheck(project, compilerOptionsOf(ROOT))).toEqual([]);
  });

  it("reports a block that does not compile with the guide's line, the file and the compiler's message", () => {
    const blocks = blocksOf(guide('prose', ['ts', "// src/a.ts\nexport const a = 1;\nexport const b: number = 'two';"], ['ts', 'export const c: string = 3;']));
    const problems = typeCheck(writeProject('guide.md', blocks, dir), compilerOptionsOf(ROOT));
    expect(problems).toEqual([
      "guide.md:5: src/a.ts: TS2322: Type 'string' is not assignable to type 'number'.",
      "guide.md:8: snippet: TS2322: Type 'number' is not assignable to type 'string'.",
    ]);
  });

  it('type-checks against the public entry points, which hold nothing internal', () => {
    const blocks = blocksOf(guide(['ts', "import { Component } from 'tessera';\nimport { World } from 'tessera/engine/ecs/world.js';\nexport { Component, World };"]));
    const problems = typeCheck(writeProject('guide.md', blocks, dir), compilerOptionsOf(ROOT));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^guide\.md:3: snippet: TS2307: Cannot find module 'tessera\/engine\/ecs\/world\.js'/);
  });

  it('refuses two blocks naming one file, and a file outside the project', () => {
    const blocks = blocksOf(guide(['ts', '// src/a.ts\nexport {};'], ['ts', '// src/a.ts\nexport {};'], ['ts', '// ../a.ts\nexport {};']));
    expect(writeProject('guide.md', blocks, dir).problems).toEqual(['guide.md:6: src/a.ts is also the block at line 2', 'guide.md:10: ../a.ts is outside the project']);
  });

  it('loads a config block named after a role with the engine, and reports what the engine refuses', () => {
    const blocks = blocksOf(
      guide(
        ['jsonc', '// config/lobby.jsonc\n{ "lobby": { "game": "dist/index.js", "tickHz": 30 }, "rpc": { "secret": "${RPC_SECRET}" } }'],
        ['jsonc', '// config/gate.jsonc\n{ "lobby": { "tickHz": 0 } }'],
        ['json', '{ "name": "garden", }'],
        ['json', '{ "name": '],
      ),
    );
    const { problems, loaded } = checkConfigBlocks('guide.md', blocks, dir);
    expect(loaded).toBe(1);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^guide\.md:6: config\/gate\.jsonc: .*lobby\.tickHz/s);
    expect(problems[1]).toMatch(/^guide\.md:13: not valid JSONC/);
  });

  it('checks tessera command lines against the shipped config files, with the exports and prefixes of their block', () => {
    const blocks = blocksOf(
      guide(
        ['sh', 'export RPC_SECRET=$(cat /run/secrets/rpc) HOST_IP=10.0.0.1   # shared\nnpm run build && npx tessera --game dist/index.js'],
        ['sh', 'GAME=dist/index.js npx tessera --role lobby \\\n  --lobby.tick-hz 30\nnpm start -- --game examples/arena\nnpx tessera --role gate --gate.nonsense 1'],
        ['sh', 'RPC_SECRET=short npx tessera --role lobby'],
      ),
    );
    const { problems, checked } = checkServerCommands('guide.md', blocks, join(ROOT, 'config'));
    expect(checked).toBe(5);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^guide\.md:9: `npx tessera --role gate --gate.nonsense 1`: .*gate\.nonsense: unknown setting/s);
    expect(problems[1]).toMatch(/^guide\.md:12: `RPC_SECRET=short npx tessera --role lobby`: .*rpc\.secret/s);
  });
});
