import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { isError, serializeError } from './serialize-error.js';

describe('serializeError', () => {
  it('keeps name, message, stack, code and the own fields of a system error', () => {
    const err = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT', errno: -2, syscall: 'open', path: '/x' });
    expect(serializeError(err)).toEqual({
      name: 'Error',
      message: 'ENOENT: no such file',
      stack: err.stack,
      code: 'ENOENT',
      errno: -2,
      syscall: 'open',
      path: '/x',
    });
  });

  it('expands the cause chain recursively and keeps a non-Error cause as it is', () => {
    const root = new Error('root', { cause: { reason: 'quota' } });
    const out = serializeError(new Error('outer', { cause: new RangeError('middle', { cause: root }) }));
    expect(out.cause).toMatchObject({ name: 'RangeError', message: 'middle', cause: { message: 'root', cause: { reason: 'quota' } } });
  });

  it('stops a long cause chain at maxDepth and a cyclic one at the repeat', () => {
    let deep = new Error('e0');
    for (let i = 1; i <= 10; i++) deep = new Error(`e${i}`, { cause: deep });
    let level: unknown = serializeError(deep, { maxDepth: 2 });
    for (let i = 0; i < 2; i++) level = (level as { cause: unknown }).cause;
    expect((level as { cause: unknown }).cause).toBe('[Depth exceeded]');

    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(serializeError(a).cause).toMatchObject({ message: 'b', cause: '[Circular]' });
  });

  it('keeps the first errors of an AggregateError and counts the rest', () => {
    const errors = Array.from({ length: 12 }, (_, i) => new Error(`m${i}`));
    const out = serializeError(new AggregateError(errors, 'all failed'), { maxErrors: 3 });
    expect(out.errors).toHaveLength(4);
    expect(out.errors?.[0]).toMatchObject({ message: 'm0' });
    expect(out.errors?.[3]).toBe('[+9 more errors]');
  });

  it('renders thrown non-Error values without throwing', () => {
    expect(serializeError('plain string')).toEqual({ name: 'NonError', message: 'plain string', value: 'plain string' });
    expect(serializeError(undefined)).toMatchObject({ name: 'NonError', message: 'undefined' });
    expect(serializeError(null)).toMatchObject({ name: 'NonError', message: 'null' });
    expect(serializeError({ message: 'lib error', code: 7 })).toMatchObject({ name: 'NonError', message: 'lib error' });
    expect(serializeError(Object.create(null))).toMatchObject({ name: 'NonError', message: 'Non-error value thrown ([object Object])' });
  });

  it('survives an error whose getters throw', () => {
    const err = new Error('x');
    Object.defineProperty(err, 'message', { get: () => { throw new Error('no'); } });
    Object.defineProperty(err, 'cause', { get: () => { throw new Error('no'); } });
    expect(serializeError(err)).toMatchObject({ name: 'Error', message: '' });
  });

  it('recognises an Error from another realm', () => {
    const foreign = runInNewContext('new Error("from vm")') as unknown;
    expect(isError(foreign)).toBe(true);
    expect(serializeError(foreign)).toMatchObject({ name: 'Error', message: 'from vm' });
  });
});
