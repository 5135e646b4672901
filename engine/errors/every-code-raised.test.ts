/**
 * Every error code is raised by a test: one test per code of every catalogue, found by
 * {@link findErrorCatalogues}, so that a new catalogue or code is covered without editing this file.
 *
 * The rule, read from the test sources: a code is raised by a test when a test file (`*.test.ts`,
 * or a contract suite `*.contract.ts` that tests run against each implementation) other than the
 * catalogue's own errors test (`errors.test.ts` beside `errors.ts`, `space-errors.test.ts` beside
 * `space-errors.ts`) holds the code as a string literal: `'GATE_ERR_FULL'`, `"…"` or `` `…` ``.
 * A catalogue that maps keys to codes (`CONFIG_ERRORS.INVALID`) may be named that way too. The
 * catalogue's own test builds every code by hand, so it proves nothing about real code.
 *
 * What a mention must be (audited when this rule was set, and kept so by review): an assertion that
 * the code arises from the engine's own code paths (`expect(err.code).toBe('…')`, an expected error
 * body or KICK), not a list of codes or a hand-built error. A code no real path can raise is dead:
 * it is removed from its catalogue if it never crossed the wire, and retired in the docs otherwise.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { filesEndingIn, findErrorCatalogues } from './error-catalogues.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const catalogues = await findErrorCatalogues(root);
// This file and the docs test name codes only as examples; they raise none.
const SELF = new Set(['engine/errors/every-code-raised.test.ts', 'engine/errors/errors-doc.test.ts']);
const testFiles = [...filesEndingIn(root, '.test.ts'), ...filesEndingIn(root, '.contract.ts')].filter((file) => !SELF.has(file));
const texts = new Map(testFiles.map((file) => [file, readFileSync(join(root, file), 'utf8')]));

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The test files, other than `own`, that name the code as a string literal or by one of its aliases. */
function raisedIn(code: string, aliases: readonly string[], own: string): string[] {
  const pattern = new RegExp([`(['"\`])${code}\\1`, ...aliases.map((alias) => `\\b${escape(alias)}\\b`)].join('|'));
  return [...texts].filter(([file, text]) => file !== own && pattern.test(text)).map(([file]) => file);
}

describe('every error code is raised by a test', () => {
  it('runs every contract suite from a test (else what a suite names would be raised by nothing)', () => {
    const contracts = testFiles.filter((file) => file.endsWith('.contract.ts'));
    const unrun = contracts.filter((contract) => {
      const module = `${contract.slice(contract.lastIndexOf('/') + 1, -'.ts'.length)}.js'`;
      return ![...texts].some(([file, text]) => file.endsWith('.test.ts') && text.includes(module));
    });
    expect(contracts.length).toBeGreaterThan(0);
    expect(unrun).toEqual([]);
  });

  it('finds the catalogues and the tests (else the checks below would hold of nothing)', () => {
    expect(catalogues.map((c) => c.name)).toEqual(expect.arrayContaining(['GATE_ERRORS', 'LOBBY_ERRORS', 'CONFIG_ERROR_ENTRIES']));
    expect(testFiles).toContain('gate/agent.test.ts');
  });

  for (const catalogue of catalogues) {
    const own = catalogue.file.replace(/\.ts$/, '.test.ts');
    describe(`${catalogue.name} (${catalogue.file})`, () => {
      // A retired code is raised by nothing: it is on record only so that it is never used again.
      for (const { code, aliases } of catalogue.codes.filter((c) => !c.retired)) {
        it(`${code} is raised by a test`, () => {
          expect(raisedIn(code, aliases, own), `no test other than ${own} names ${code}: write one that makes real code raise it`).not.toEqual([]);
        });
      }
    });
  }
});
