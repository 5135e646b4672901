import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogueFiles, catalogueProblems, ERROR_CODE, filesEndingIn, findErrorCatalogues, type DiscoveredCatalogue } from './error-catalogues.js';
import { ERRORS_DOC, renderErrorsDoc } from './errors-doc.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const catalogues = await findErrorCatalogues(root);

const entry = (code: string, when = 'always'): DiscoveredCatalogue['codes'][number] => ({ code, wire: undefined, message: 'm', when, aliases: [], retired: false });

describe('docs/errors.md', () => {
  it('is what the catalogues generate (run `npm run docs:errors` after changing a catalogue)', () => {
    expect(readFileSync(join(root, ERRORS_DOC), 'utf8')).toBe(renderErrorsDoc(catalogues));
  });

  it('has a table for every catalogue file that exports a *_ERRORS table, examples aside', () => {
    const withTables = catalogueFiles(root).filter((file) => /export const [A-Z_]+_ERRORS\b/.test(readFileSync(join(root, file), 'utf8')));
    expect(new Set(catalogues.map((c) => c.file))).toEqual(new Set(withTables));
    expect(withTables).toEqual(expect.arrayContaining(['gate/errors.ts', 'engine/config/errors.ts', 'lobby/space-errors.ts']));
    expect(withTables).not.toContain('engine/persist/mongo-errors.ts');
  });

  it('says for every code when it is raised, and numbers no two codes of a catalogue alike', () => {
    expect(catalogueProblems(catalogues)).toEqual([]);
  });

  it("keeps a retired code in its catalogue's table, where its number stays taken", () => {
    const lobby = catalogues.find((c) => c.name === 'LOBBY_ERRORS')!;
    expect(lobby.codes.find((c) => c.code === 'LOBBY_ERR_HANDLER')).toMatchObject({ wire: 6007, retired: true });
    expect(catalogues.map((c) => c.name)).not.toContain('LOBBY_RETIRED_ERRORS');
  });
});

describe("the area pages' error tables", () => {
  it('give each code the number its catalogue gives it, and name no code that no catalogue holds', () => {
    const wires = new Map(catalogues.flatMap((c) => c.codes.map((e) => [e.code, e.wire] as const)));
    const wrong: string[] = [];
    let checked = 0;
    for (const file of filesEndingIn(root, '.md').filter((f) => f !== ERRORS_DOC)) {
      for (const row of readFileSync(join(root, file), 'utf8').split('\n').filter((line) => line.startsWith('|'))) {
        const cells = row.split('|').map((cell) => cell.trim().replace(/^~~(.*)~~$/, '$1'));
        const code = cells.map((cell) => /^`([A-Z0-9_]+)`$/.exec(cell)?.[1]).find((c) => c !== undefined && ERROR_CODE.test(c));
        if (code === undefined || code.startsWith('ARENA_')) continue;
        checked++;
        if (!wires.has(code)) wrong.push(`${file}: ${code} is in no catalogue`);
        const number = cells.find((cell) => /^\d{4}$/.test(cell));
        if (number !== undefined && Number(number) !== wires.get(code)) wrong.push(`${file}: ${code} is ${number}, its catalogue says ${wires.get(code)}`);
      }
    }
    expect(wrong).toEqual([]);
    // The pages hold over a hundred such rows; fewer would mean this check reads nothing.
    expect(checked).toBeGreaterThan(100);
  });
});

describe('catalogueProblems', () => {
  it('names an entry without a when, a reused number and a code in two catalogues', () => {
    const problems = catalogueProblems([
      { file: 'a/errors.ts', name: 'A_ERRORS', codes: [entry('A_ERR_X', ' '), { ...entry('A_ERR_Y'), wire: 1 }, { ...entry('A_ERR_Z'), wire: 1 }] },
      { file: 'b/errors.ts', name: 'B_ERRORS', codes: [entry('A_ERR_Y')] },
    ]);
    expect(problems).toEqual([
      'a/errors.ts A_ERRORS.A_ERR_X has no "when": say when the code is raised',
      'a/errors.ts A_ERRORS.A_ERR_Z reuses wire 1 of A_ERR_Y',
      'b/errors.ts B_ERRORS.A_ERR_Y is also in a/errors.ts A_ERRORS',
    ]);
  });
});

describe('renderErrorsDoc', () => {
  it('strikes out a retired code and its number, and counts it apart', () => {
    const doc = renderErrorsDoc([{ file: 'x/errors.ts', name: 'X_ERRORS', codes: [{ ...entry('X_ERR_A'), wire: 1 }, { ...entry('X_ERR_OLD', 'it did'), wire: 2, retired: true }] }]);
    expect(doc).toContain('`X_ERRORS`, 1 code and 1 retired.');
    expect(doc).toContain('| ~~`X_ERR_OLD`~~ | ~~2~~ | m | retired: it did |');
  });

  it('writes one table per catalogue, a dash for a code without a number, and escapes pipes', () => {
    const doc = renderErrorsDoc([{ file: 'x/errors.ts', name: 'X_ERRORS', codes: [{ ...entry('X_ERR_A', 'a | b'), wire: 7 }, entry('X_ERR_B')] }]);
    expect(doc).toContain('## `X_ERR_*`: x/errors.ts\n\n`X_ERRORS`, 2 codes.\n\n| code | number | message | when |\n|---|---|---|---|\n| `X_ERR_A` | 7 | m | a \\| b |\n| `X_ERR_B` | — | m | always |\n');
  });
});
