import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findErrorCatalogues } from './error-catalogues.js';

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

/** A tree of catalogue files under a fresh directory. */
async function tree(files: Record<string, string>): Promise<string> {
  root = await mkdtemp(join(tmpdir(), 'catalogues-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

describe('findErrorCatalogues', () => {
  it('finds code tables in errors.ts and *-errors.ts, joins retired codes to theirs, and skips examples/ and other exports', async () => {
    const dir = await tree({
      'a/errors.ts': `export const A_ERRORS = { A_ERR_ONE: { wire: 1, message: 'one', when: 'first' }, A_ERR_THREE: { wire: 3, message: 'three', when: 'third' } };
export const A_RETIRED_ERRORS = { A_ERR_TWO: { wire: 2, message: 'two', when: 'once', retired: true } };
export const LIMIT = 3;`,
      'b/thing-errors.ts': `export const B_ERRORS = { B_ERR_X: { message: 'x', when: 'always' } };`,
      'c/mongo-errors.ts': `export const codes = new Set([1]);`,
      'examples/game/errors.ts': `export const GAME_ERRORS = { GAME_ERR_Y: { message: 'y', when: 'never' } };`,
    });
    const found = await findErrorCatalogues(dir);
    expect(found.map((c) => [c.file, c.name, c.codes.map((e) => `${e.code}${e.retired ? ' (retired)' : ''}`)])).toEqual([
      ['a/errors.ts', 'A_ERRORS', ['A_ERR_ONE', 'A_ERR_TWO (retired)', 'A_ERR_THREE']],
      ['b/thing-errors.ts', 'B_ERRORS', ['B_ERR_X']],
    ]);
  });

  it('takes the codes of a table of codes by key from an entry table of the module, and names them by key too', async () => {
    const dir = await tree({
      'c/errors.ts': `export const C_ERRORS = { BAD: 'C_ERR_BAD' } as const;
export const C_ERROR_ENTRIES = { C_ERR_BAD: { message: 'bad', when: 'bad input' } };`,
    });
    const [catalogue] = await findErrorCatalogues(dir);
    expect(catalogue).toMatchObject({ name: 'C_ERROR_ENTRIES', codes: [{ code: 'C_ERR_BAD', aliases: ['C_ERRORS.BAD'] }] });
  });

  it('refuses a code by key that no entry table holds, and retired codes of no catalogue', async () => {
    await expect(findErrorCatalogues(await tree({ 'd/errors.ts': `export const D_ERRORS = { BAD: 'D_ERR_BAD' };` }))).rejects.toThrow('d/errors.ts: D_ERR_BAD named by a table of codes but in no catalogue of the module');
    await rm(root!, { recursive: true, force: true });
    const retiredOnly = `export const E_ERRORS = { E_ERR_A: { message: 'a', when: 'a' } };
export const F_RETIRED_ERRORS = { F_ERR_OLD: { message: 'old', when: 'once', retired: true } };`;
    await expect(findErrorCatalogues(await tree({ 'e/errors.ts': retiredOnly }))).rejects.toThrow('e/errors.ts: F_RETIRED_ERRORS retire codes of no catalogue in the module');
  });
});
