import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TESTKIT_ERRORS, TestKitError } from './errors.js';

const dir = new URL('.', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, dir), 'utf8');

describe('TestKitError', () => {
  it('carries its code and detail, with a message of the form CODE: catalogue message: detail', () => {
    const err = new TestKitError('TESTKIT_ERR_STOPPED', 'connect() after stop()');
    expect([err.name, err.code, err.detail]).toEqual(['TestKitError', 'TESTKIT_ERR_STOPPED', 'connect() after stop()']);
    expect(err.message).toBe('TESTKIT_ERR_STOPPED: the test server is stopped: connect() after stop()');
  });

  it('has every code raised in the kit, asserted by a test and listed in docs/testing.md', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'errors.ts' && f !== 'errors.test.ts');
    const source = files.filter((f) => !f.endsWith('.test.ts')).map(read).join('\n');
    const tests = files.filter((f) => f.endsWith('.test.ts')).map(read).join('\n');
    const table = read('../docs/testing.md');
    for (const code of Object.keys(TESTKIT_ERRORS)) {
      expect(source, `${code} raised`).toContain(`'${code}'`);
      expect(tests, `${code} tested`).toContain(code);
      expect(table, `${code} documented`).toContain(`| \`${code}\` |`);
    }
  });
});
