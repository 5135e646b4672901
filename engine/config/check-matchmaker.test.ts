import { describe, expect, it } from 'vitest';
import { checkMatchmaker } from './check-matchmaker.js';
import type { Config } from './config-schema.js';
import { defaults } from './defaults.js';
import { CONFIG_ERRORS } from './errors.js';

const withMatchmaker = (matchmaker: Partial<Config['matchmaker']>): Config => ({ ...defaults, matchmaker: { ...defaults.matchmaker, ...matchmaker } });
const origin = (path: string) => `file ${path}`;

describe('checkMatchmaker', () => {
  it('accepts the defaults and a mode whose window starts within its maximum', () => {
    expect(checkMatchmaker(defaults, origin)).toEqual([]);
    expect(checkMatchmaker(withMatchmaker({ modes: { '2v2': { teams: 2, teamSize: 2, space: 'match', window: { start: 100, growPerSecond: 0, max: 100 } } } }), origin)).toEqual([]);
  });

  it('refuses a window whose maximum is below its start, naming the mode\'s key', () => {
    const config = withMatchmaker({ modes: { duel: { teams: 2, teamSize: 1, space: 'match', window: { start: 100, growPerSecond: 5, max: 50 } } } });
    expect(checkMatchmaker(config, origin)).toEqual([
      { code: CONFIG_ERRORS.INVALID, source: 'file matchmaker.modes.duel.window.max', path: 'matchmaker.modes.duel.window.max', message: 'must be at least window.start (100), got 50' },
    ]);
  });

  it('refuses a claim that does not outlive the two calls of a launch', () => {
    expect(checkMatchmaker(withMatchmaker({ claimTtlMs: 10_000, callTimeoutMs: 5_000 }), () => undefined)).toEqual([
      { code: CONFIG_ERRORS.INVALID, source: 'merged config', path: 'matchmaker.claimTtlMs', message: expect.stringMatching(/^must be above twice matchmaker\.callTimeoutMs \(10000\), got 10000/) },
    ]);
  });
});
