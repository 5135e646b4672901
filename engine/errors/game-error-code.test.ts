import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { gameErrorCodeProblem, isGameErrorCode, RESERVED_ERROR_PREFIXES } from './game-error-code.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Every `errors.ts` and `*-errors.ts` of the engine's areas. */
function catalogueFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || ['node_modules', 'dist', 'examples'].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...catalogueFiles(path));
    else if (/(^|-)errors\.ts$/.test(entry.name)) found.push(path);
  }
  return found;
}

describe('game error codes', () => {
  it("takes a game's own codes of 3 to 64 upper-case letters, digits and underscores", () => {
    for (const code of ['ARENA_ERR_COOLDOWN', 'SHOP_ERR_POOR', 'ABC', `A${'B'.repeat(63)}`, 'GAME_ERR_NO_ENTRY', 'LOBBY_FULL', 'X9_1']) {
      expect(isGameErrorCode(code), code).toBe(true);
    }
  });

  it('refuses other shapes and says why', () => {
    for (const code of ['', 'AB', `A${'B'.repeat(64)}`, 'arena_err', '9LIVES', '_HIDDEN', 'HAS SPACE', 'DASH-ED', 'ÉTÉ_ERR']) {
      expect(isGameErrorCode(code), code).toBe(false);
      expect(gameErrorCodeProblem(code)).toMatch(/is not 3 to 64 of A-Z, 0-9 and _/);
    }
    for (const value of [undefined, null, 42, {}]) expect(gameErrorCodeProblem(value)).toMatch(/is not 3 to 64/);
  });

  it("refuses codes with a prefix of the engine's, Node's or a future engine area's", () => {
    for (const code of ['LOBBY_ERR_INTERNAL', 'GATE_ERR_KICKED', 'RPC_ERR_DEADLINE_EXCEEDED', 'STORE_ERR_BACKEND', 'REMOTE_ERR_UNCODED', 'ERR_INVALID_ARG_TYPE', 'SPACE_ERR_FULL']) {
      expect(isGameErrorCode(code), code).toBe(false);
      expect(gameErrorCodeProblem(code)).toMatch(/which the engine reserves/);
    }
  });

  it("reserves the prefix of every code in the engine's catalogues", () => {
    const files = catalogueFiles(root);
    expect(files.map((f) => relative(root, f))).toEqual(expect.arrayContaining(['lobby/errors.ts', 'gate/errors.ts', 'engine/rpc/errors.ts', 'engine/persist/errors.ts']));
    const codes = files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/^\s*([A-Z][A-Z0-9]*_ERR_[A-Z0-9_]+)\s*:/gm)].map((m) => m[1]!));
    expect(codes).toContain('LOBBY_ERR_INTERNAL');
    for (const code of codes) expect(RESERVED_ERROR_PREFIXES.some((prefix) => code.startsWith(prefix)), code).toBe(true);
  });
});
