import { describe, expect, it } from 'vitest';
import { defaults } from './defaults.js';
import { serverIdOf } from './server-id.js';

describe('serverIdOf', () => {
  it('uses the configured id when there is one', () => {
    expect(serverIdOf({ ...defaults.server, id: 'lobby-7' })).toBe('lobby-7');
  });

  it('derives a readable id from role, host and process when none is configured', () => {
    expect(serverIdOf({ ...defaults.server, role: 'gate' }, 'game.host_1', 4242)).toBe('gate-game-host-1-4242');
  });
});
