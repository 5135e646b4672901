import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BOT_ERRORS, BotError } from './errors.js';

const dir = new URL('.', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, dir), 'utf8');

describe('BotError', () => {
  it('carries its code, detail and cause, with a message of the form CODE: catalogue message: detail', () => {
    const cause = new Error('SyntaxError in play.ts');
    const err = new BotError('BOT_ERR_SCENARIO', 'play.ts failed to load', { cause });
    expect(err.name).toBe('BotError');
    expect([err.code, err.detail, err.cause]).toEqual(['BOT_ERR_SCENARIO', 'play.ts failed to load', cause]);
    expect(err.message).toBe(`BOT_ERR_SCENARIO: ${BOT_ERRORS.BOT_ERR_SCENARIO.message}: play.ts failed to load`);
  });

  it('has every code named BOT_ERR_*, raised in the bot runtime, asserted by a test and listed in client-sim/bots/README.md', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'errors.ts' && f !== 'errors.test.ts');
    const source = files.filter((f) => !f.endsWith('.test.ts')).map(read).join('\n');
    const tests = files.filter((f) => f.endsWith('.test.ts')).map(read).join('\n');
    const table = read('README.md');
    for (const [code, entry] of Object.entries(BOT_ERRORS)) {
      expect(code).toMatch(/^BOT_ERR_[A-Z_]+$/);
      expect(entry.message.length).toBeGreaterThan(10);
      expect(source, `${code} raised`).toContain(`'${code}'`);
      expect(tests, `${code} tested`).toContain(code);
      expect(table, `${code} documented`).toContain(`| \`${code}\` |`);
    }
  });
});
