import { describe, expect, it } from 'vitest';
import { array, boolean, number, object, oneOf, optional, record, string, validate, type Infer } from './schema.js';

const issuesOf = (result: ReturnType<typeof validate>) => (result.ok ? [] : result.issues);

describe('schema', () => {
  it('accepts a valid value and returns a copy with the inferred type', () => {
    const schema = object({ host: string(), port: number({ integer: true }), tags: array(string()) });
    const input = { host: 'a', port: 1, tags: ['x'] };
    const result = validate(schema, input);
    expect(result).toEqual({ ok: true, value: input });
    if (result.ok) {
      const value: Infer<typeof schema> = result.value;
      expect(value).not.toBe(input);
      expect(value.tags).not.toBe(input.tags);
    }
  });

  it('coerces a string that is entirely a number literal', () => {
    const schema = object({ port: number(), ratio: number() });
    expect(validate(schema, { port: '4000', ratio: '-1.5e2' })).toEqual({ ok: true, value: { port: 4000, ratio: -150 } });
  });

  it('rejects a string that is only partly a number, naming expected and got', () => {
    for (const bad of ['4000ms', ' 4000', '', '0x10', '1e999']) {
      expect(issuesOf(validate(number(), bad))).toEqual([{ path: '', message: `expected a number, got ${JSON.stringify(bad)}` }]);
    }
  });

  it('coerces exactly "true" and "false" to booleans and nothing else', () => {
    expect(validate(boolean(), 'true')).toEqual({ ok: true, value: true });
    expect(validate(boolean(), 'false')).toEqual({ ok: true, value: false });
    expect(issuesOf(validate(boolean(), 'yes'))).toEqual([{ path: '', message: 'expected true or false, got "yes"' }]);
    expect(issuesOf(validate(boolean(), 1))).toEqual([{ path: '', message: 'expected true or false, got 1' }]);
  });

  it('checks integer and range limits on numbers', () => {
    const port = number({ integer: true, min: 0, max: 65535 });
    expect(issuesOf(validate(port, 1.5))[0]?.message).toBe('expected an integer from 0 to 65535, got 1.5');
    expect(issuesOf(validate(port, 70000))[0]?.message).toBe('expected an integer from 0 to 65535, got 70000');
    expect(issuesOf(validate(number({ min: 1 }), 0))[0]?.message).toBe('expected a number >= 1, got 0');
    expect(issuesOf(validate(number({ max: 1 }), 2))[0]?.message).toBe('expected a number <= 1, got 2');
  });

  it('checks minLength and pattern on strings', () => {
    expect(issuesOf(validate(string({ minLength: 1 }), ''))[0]?.message).toBe(
      'expected a string of at least 1 character, got ""',
    );
    expect(issuesOf(validate(string({ pattern: /^a+$/g }), 'b'))[0]?.message).toBe('expected a string matching /^a+$/, got "b"');
    // A global regexp would alternate between match and no match; the flag is dropped.
    const schema = string({ pattern: /^a+$/g });
    expect([validate(schema, 'aa').ok, validate(schema, 'aa').ok]).toEqual([true, true]);
    expect(issuesOf(validate(string(), 5))[0]?.message).toBe('expected a string, got 5');
  });

  it('lists the allowed values of oneOf', () => {
    const level = oneOf(['error', 'warn'] as const);
    const value: Infer<typeof level> = 'warn';
    expect(validate(level, value).ok).toBe(true);
    expect(issuesOf(validate(level, 'loud'))).toEqual([{ path: '', message: 'expected one of "error", "warn", got "loud"' }]);
  });

  it('reports an unknown key, a missing key and a wrong type with their paths', () => {
    const schema = object({ store: object({ mongo: object({ url: string(), retries: number() }) }) });
    const issues = issuesOf(validate(schema, { store: { mongo: { urll: 'x', retries: true } } }));
    expect(issues).toEqual([
      { path: 'store.mongo.urll', message: 'unknown key; expected one of: url, retries' },
      { path: 'store.mongo.url', message: 'missing required key' },
      { path: 'store.mongo.retries', message: 'expected a number, got true' },
    ]);
  });

  it('names array items by index in paths', () => {
    const schema = object({ listeners: array(object({ port: number() })) });
    expect(issuesOf(validate(schema, { listeners: [{ port: 1 }, { port: 'x' }] }))).toEqual([
      { path: 'listeners[1].port', message: 'expected a number, got "x"' },
    ]);
  });

  it('rejects more items than maxItems', () => {
    expect(issuesOf(validate(array(number(), { maxItems: 2 }), [1, 2, 3]))).toEqual([
      { path: '', message: 'expected at most 2 items, got 3' },
    ]);
  });

  it('lets optional keys be absent, and checks them when present', () => {
    const schema = object({ id: optional(string({ minLength: 1 })), role: string() });
    const value: Infer<typeof schema> = { role: 'gate' };
    expect(validate(schema, value)).toEqual({ ok: true, value: { role: 'gate' } });
    expect(issuesOf(validate(schema, { role: 'gate', id: '' }))[0]?.path).toBe('id');
  });

  it('accepts any string keys in a record but rejects prototype keys', () => {
    const schema = record(number());
    expect(validate(schema, { 'a.b': 1, c: '2' })).toEqual({ ok: true, value: { 'a.b': 1, c: 2 } });
    expect(issuesOf(validate(schema, { 'a.b': 'x' }))).toEqual([{ path: '["a.b"]', message: 'expected a number, got "x"' }]);
    expect(issuesOf(validate(schema, JSON.parse('{"__proto__": 1}')))).toEqual([
      { path: '__proto__', message: 'forbidden key' },
    ]);
  });

  it('describes objects, arrays, null and long strings briefly', () => {
    expect(issuesOf(validate(string(), {}))[0]?.message).toBe('expected a string, got an object');
    expect(issuesOf(validate(string(), []))[0]?.message).toBe('expected a string, got an array');
    expect(issuesOf(validate(string(), null))[0]?.message).toBe('expected a string, got null');
    expect(issuesOf(validate(number(), 'x'.repeat(200)))[0]?.message).toMatch(/^expected a number, got "x{77}\.\.\."$/);
  });
});
