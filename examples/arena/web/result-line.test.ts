import { describe, expect, it } from 'vitest';
import { MATCH } from '../rules.js';
import { resultLine } from './result-line.js';

describe('the line a match result shows', () => {
  it('tells a winner its team\'s kills first and the experience it gained', () => {
    expect(resultLine({ spaceId: 'm', winner: 1, kills: [1, 2], reason: 'time', team: 1, xp: MATCH.winXp })).toBe(
      `match over, time is up: you won 2–1 (+${MATCH.winXp} xp); back to the field`,
    );
  });

  it('tells a loser and both sides of a draw, with no experience', () => {
    expect(resultLine({ spaceId: 'm', winner: 1, kills: [0, 3], reason: 'cleared', team: 0, xp: 0 })).toBe('match over, every monster slain: you lost 0–3; back to the field');
    expect(resultLine({ spaceId: 'm', winner: null, kills: [1, 1], reason: 'time', team: 0, xp: 0 })).toBe('match over, time is up: a draw 1–1; back to the field');
    expect(resultLine({ spaceId: 'm', winner: 0, kills: [1, 0], reason: 'drain', team: 0, xp: MATCH.winXp })).toBe(`match over, the server is moving you: you won 1–0 (+${MATCH.winXp} xp); back to the field`);
  });
});
