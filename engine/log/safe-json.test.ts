import { describe, expect, it } from 'vitest';
import { safeJsonStringify } from './safe-json.js';

describe('safeJsonStringify', () => {
  it('encodes plain values exactly like JSON.stringify', () => {
    const value = { a: 1, b: 'two', c: [true, null, { d: 1.5 }], e: undefined };
    expect(safeJsonStringify(value)).toBe(JSON.stringify(value));
  });

  it('marks a cycle instead of throwing, but writes a shared non-cyclic object twice', () => {
    const shared = { x: 1 };
    const cyclic: Record<string, unknown> = { shared, again: shared };
    cyclic.self = cyclic;
    expect(JSON.parse(safeJsonStringify(cyclic))).toEqual({ shared: { x: 1 }, again: { x: 1 }, self: '[Circular]' });
  });

  it('turns BigInt, NaN, functions, symbols, dates, buffers, maps and sets into readable JSON', () => {
    const out = JSON.parse(
      safeJsonStringify({
        big: 12345678901234567890n,
        nan: NaN,
        fn: function handler() {},
        list: [Symbol('s'), () => 1],
        when: new Date(Date.UTC(2026, 10, 21)),
        bytes: Buffer.alloc(1024),
        map: new Map<unknown, unknown>([['k', 1], [2, 'v']]),
        set: new Set([1, 2]),
      }),
    );
    expect(out).toEqual({
      big: '12345678901234567890',
      nan: 'NaN',
      list: ['Symbol(s)', '[Function anonymous]'],
      when: '2026-11-21T00:00:00.000Z',
      bytes: '[Buffer 1024 bytes]',
      map: { k: 1, '2': 'v' },
      set: [1, 2],
    });
  });

  it('cuts long strings and marks how much was left out', () => {
    const out = JSON.parse(safeJsonStringify({ s: 'x'.repeat(10_000) }, { maxStringLength: 100 })) as { s: string };
    expect(out.s).toBe(`${'x'.repeat(100)}…[+9900 chars]`);
  });

  it('keeps at most maxEntries entries of an object or array and says how many more there were', () => {
    const out = JSON.parse(safeJsonStringify({ list: Array.from({ length: 10 }, (_, i) => i), obj: { a: 1, b: 2, c: 3 } }, { maxEntries: 2 }));
    expect(out).toEqual({ list: [0, 1, '[+8 more items]'], obj: { a: 1, b: 2, '…': '[+1 more keys]' } });
  });

  it('replaces objects nested deeper than maxDepth with a marker', () => {
    expect(JSON.parse(safeJsonStringify({ a: { b: { c: { d: 1 } } }, l: [[[1]]] }, { maxDepth: 2 }))).toEqual({ a: { b: '[Object]' }, l: ['[Array]'] });
  });

  it('keeps a huge structure close to maxLength and still valid JSON', () => {
    const wide = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`k${i}`, Array.from({ length: 150 }, () => 'y'.repeat(500))]));
    const out = safeJsonStringify(wide, { maxLength: 16_384 });
    expect(out.length).toBeLessThan(16_384 + 1_000);
    expect(() => JSON.parse(out)).not.toThrow();
    expect(out).toContain('more');
  });

  it('survives throwing getters and toJSON methods', () => {
    const hostile = {
      ok: 1,
      get bad(): never {
        throw new Error('getter');
      },
      nested: { toJSON: () => { throw new Error('nope'); } },
    };
    expect(JSON.parse(safeJsonStringify(hostile))).toEqual({ ok: 1, bad: '[Thrown while reading: getter]', nested: '[toJSON threw: nope]' });
  });

  it('falls back to a marker for a Proxy whose traps throw', () => {
    const trap = new Proxy({}, { ownKeys: () => { throw new Error('trap'); } });
    expect(safeJsonStringify({ trap })).toBe('"[Unserializable]"');
  });

  it('encodes an Error anywhere in the value with its name, message and stack', () => {
    const out = JSON.parse(safeJsonStringify({ list: [new TypeError('bad')] })) as { list: Array<Record<string, unknown>> };
    expect(out.list[0]).toMatchObject({ name: 'TypeError', message: 'bad', stack: expect.stringContaining('TypeError: bad') });
  });
});
