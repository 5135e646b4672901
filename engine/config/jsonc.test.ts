import { describe, expect, it } from 'vitest';
import { CONFIG_ERRORS } from './errors.js';
import { parseJsonc } from './jsonc.js';

describe('parseJsonc', () => {
  it('accepts line and block comments and trailing commas', () => {
    const text = `// header
{
  /* block */ "a": 1, // after
  "b": [1, 2, ],
  "c": { "d": "x", },
}
`;
    expect(parseJsonc(text, 'f.jsonc')).toEqual({ value: { a: 1, b: [1, 2], c: { d: 'x' } }, problems: [] });
  });

  it('reports a syntax error as file:line:col with a readable message', () => {
    const text = '{\n  "a": 1,\n  "b" 2\n}';
    const { value, problems } = parseJsonc(text, 'config/gate.jsonc');
    expect(value).toBeUndefined();
    expect(problems[0]).toEqual({
      code: CONFIG_ERRORS.PARSE,
      source: 'config/gate.jsonc:3:7',
      path: '',
      message: 'colon expected',
    });
  });

  it('treats an empty file as an error', () => {
    expect(parseJsonc('  // only a comment\n', 'f.jsonc').problems[0]?.message).toBe('value expected');
  });

  it('rejects a duplicate key, naming its position and path', () => {
    const { problems } = parseJsonc('{ "log": {\n  "level": "info",\n  "level": "debug" } }', 'f.jsonc');
    expect(problems).toEqual([
      { code: CONFIG_ERRORS.PARSE, source: 'f.jsonc:3:3', path: 'log.level', message: 'duplicate key "level"' },
    ]);
  });

  it('rejects __proto__ and constructor keys instead of touching prototypes', () => {
    const { problems } = parseJsonc('{ "__proto__": { "x": 1 }, "a": { "constructor": 1 } }', 'f.jsonc');
    expect(problems.map((p) => p.message)).toEqual(['forbidden key "__proto__"', 'forbidden key "constructor"']);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  it('ignores a leading byte-order mark', () => {
    expect(parseJsonc('\uFEFF{"a": 1}', 'f.jsonc').value).toEqual({ a: 1 });
  });

  it('places each of 50,000 errors on its own line, finding lines by bisection rather than a scan per error', () => {
    const lines = 50_000;
    const { problems } = parseJsonc('{\n' + '"k": 1 2,\n'.repeat(lines) + '}', 'f.jsonc');
    expect(problems.length).toBeGreaterThanOrEqual(lines);
    const places = new Set(problems.map((p) => p.source));
    expect(places.has('f.jsonc:2:8')).toBe(true);
    expect(places.has(`f.jsonc:${lines + 1}:8`)).toBe(true);
  });
});
