import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MATCH_ERRORS, MatchError } from './errors.js';

describe('MatchError', () => {
  it('carries its code, wire code, detail and cause, with the catalogue message', () => {
    const cause = new Error('connection refused');
    const err = new MatchError('MATCH_ERR_UNAVAILABLE', 'the ticket store failed', { cause });
    expect(err.name).toBe('MatchError');
    expect([err.code, err.wireCode, err.detail, err.cause]).toEqual(['MATCH_ERR_UNAVAILABLE', 5306, 'the ticket store failed', cause]);
    expect(err.message).toBe('MATCH_ERR_UNAVAILABLE: the ticket store is unavailable; retry later: the ticket store failed');
  });

  it('numbers its codes from 5301 upwards, each once, each named MATCH_ERR_*', () => {
    const entries = Object.entries(MATCH_ERRORS);
    for (const [code] of entries) expect(code).toMatch(/^MATCH_ERR_[A-Z_]+$/);
    expect(entries.map(([, e]) => e.wire)).toEqual(entries.map((_, i) => 5301 + i));
  });
});

describe('the matchmaking catalogue', () => {
  it('has every code raised by the matchmaker or the lobby, asserted by a test and listed in docs/matchmaking.md', () => {
    const root = new URL('../../', import.meta.url);
    const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
    const matchmaker = readdirSync(new URL('services/matchmaker/', root)).filter((f) => f.endsWith('.ts')).map((f) => `services/matchmaker/${f}`);
    const files = [...matchmaker, 'lobby/game-matchmaker.ts', 'lobby/game-matchmaker.integration.test.ts'];
    const source = files.filter((f) => !f.endsWith('.test.ts')).map(read).join('\n');
    const tests = files.filter((f) => f.endsWith('.test.ts')).map(read).join('\n');
    const table = read('docs/matchmaking.md');
    for (const code of Object.keys(MATCH_ERRORS)) {
      expect(source, `${code} raised`).toContain(`'${code}'`);
      expect(tests, `${code} tested`).toContain(code);
      expect(table, `${code} documented`).toContain(`| \`${code}\` |`);
    }
  });
});
