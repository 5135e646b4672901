import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_ERRORS, ClientError } from './errors.js';

const dir = new URL('.', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, dir), 'utf8');

describe('ClientError', () => {
  it('carries its code, detail and cause, with a message of the form CODE: catalogue message: detail', () => {
    const cause = new TypeError('Failed to fetch');
    const err = new ClientError('CLIENT_ERR_LOGIN_UNREACHABLE', 'POST http://127.0.0.1:1/login failed', { cause });
    expect(err.name).toBe('ClientError');
    expect([err.code, err.detail, err.cause]).toEqual(['CLIENT_ERR_LOGIN_UNREACHABLE', 'POST http://127.0.0.1:1/login failed', cause]);
    expect(err.message).toBe('CLIENT_ERR_LOGIN_UNREACHABLE: login service could not be reached: POST http://127.0.0.1:1/login failed');
    expect([err.serverCode, err.wireCode, err.serverMessage]).toEqual([undefined, undefined, undefined]);
  });

  it('keeps what a server sent in serverCode, wireCode and serverMessage', () => {
    const err = new ClientError('CLIENT_ERR_KICKED', 'GATE_ERR_DUPLICATE_LOGIN (4104): elsewhere', { server: { code: 'GATE_ERR_DUPLICATE_LOGIN', wire: 4104, message: 'elsewhere' } });
    expect([err.serverCode, err.wireCode, err.serverMessage]).toEqual(['GATE_ERR_DUPLICATE_LOGIN', 4104, 'elsewhere']);
    expect('cause' in err).toBe(false);
  });

  it('names every code CLIENT_ERR_* with a message', () => {
    for (const [code, entry] of Object.entries(CLIENT_ERRORS)) {
      expect(code).toMatch(/^CLIENT_ERR_[A-Z_]+$/);
      expect(entry.message.length).toBeGreaterThan(10);
    }
  });

  it('has every code raised in the SDK, asserted by a test and listed in client-sim/README.md', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'errors.ts' && f !== 'errors.test.ts');
    const source = files.filter((f) => !f.endsWith('.test.ts')).map(read).join('\n');
    const tests = files.filter((f) => f.endsWith('.test.ts')).map(read).join('\n');
    const table = read('README.md');
    for (const code of Object.keys(CLIENT_ERRORS)) {
      expect(source, `${code} raised`).toContain(`'${code}'`);
      expect(tests, `${code} tested`).toContain(code);
      expect(table, `${code} documented`).toContain(`| \`${code}\` |`);
    }
  });
});
