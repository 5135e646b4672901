import { describe, expect, it } from 'vitest';
import { loadConfig } from './engine/config/index.js';
import { stepTimeoutMsOf } from './server.js';

describe('createServer', () => {
  it('gives every module\'s drain more time than a lobby waits for running requests before its final save', () => {
    const config = loadConfig({ argv: ['--role', 'standalone', '--lobby.settleWaitMs', '30000'], env: {} });
    expect(stepTimeoutMsOf(config)).toBeGreaterThan(30_000);
    const defaults = loadConfig({ argv: ['--role', 'standalone'], env: {} });
    expect(stepTimeoutMsOf(defaults)).toBeGreaterThan(defaults.lobby.settleWaitMs);
  });
});
