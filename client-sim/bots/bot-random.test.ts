import { describe, expect, it } from 'vitest';
import { botRandom } from './bot-random.js';

const draw = (random: () => number, n = 5): number[] => Array.from({ length: n }, random);

describe('botRandom', () => {
  it('gives equal sequences for equal seeds and indexes, in [0, 1)', () => {
    const a = draw(botRandom(42, 3), 1000);
    expect(a).toEqual(draw(botRandom(42, 3), 1000));
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(a).size).toBeGreaterThan(990);
  });

  it('gives unrelated sequences to neighbouring bots and seeds', () => {
    const firsts = new Set<number>();
    for (let index = 0; index < 1000; index++) firsts.add(botRandom(1, index)());
    expect(firsts.size).toBe(1000);
    expect(draw(botRandom(1, 0))).not.toEqual(draw(botRandom(2, 0)));
    expect(draw(botRandom(1, 1)).slice(1)).not.toEqual(draw(botRandom(1, 0)).slice(0, 4));
  });

  it('refuses a seed that is not a 32-bit unsigned integer with BOT_ERR_OPTIONS', () => {
    for (const seed of [-1, 1.5, 2 ** 32, NaN]) {
      expect(() => botRandom(seed, 0)).toThrow(expect.objectContaining({ name: 'BotError', code: 'BOT_ERR_OPTIONS' }));
    }
  });
});
