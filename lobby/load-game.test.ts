import { describe, expect, it } from 'vitest';
import { loadGame } from './load-game.js';

describe('loadGame', () => {
  it('finds a game by path without its extension, relative to the working directory or the engine\'s root', async () => {
    expect((await loadGame('lobby/fixtures/games/tiny-game')).name).toBe('tiny');
    expect((await loadGame('fixtures/games/tiny-game.ts', { cwd: 'lobby' })).name).toBe('tiny');
    expect((await loadGame('lobby/fixtures/games/tiny-game', { cwd: '/' })).name).toBe('tiny');
  });

  it('says which path it could not find', async () => {
    await expect(loadGame('./nowhere/game')).rejects.toThrow(/game "\.\/nowhere\/game" not found/);
  });

  it('refuses a module without a game', async () => {
    await expect(loadGame('lobby/fixtures/games/no-game')).rejects.toThrow(/exports no game/);
  });
});
