import { describe, expect, it } from 'vitest';
import { assignTeams, formMatches, MAX_SCAN_PER_PLAYER, windowOf } from './match-pool.js';
import type { MatchMode, Ticket } from './ticket.js';

const DUO: MatchMode = { teams: 2, teamSize: 2, space: 'match', window: { start: 50, growPerSecond: 10, max: 300 } };
const t = (uid: string, rating: number, since = 0, party: string[] = [uid]): Ticket => ({ uid, mode: '2v2', party, rating, since });

/** A small deterministic generator, so random cases repeat. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('windowOf', () => {
  it('starts at start, widens by growPerSecond per second waited, and stops at max', () => {
    expect(windowOf(DUO.window, t('a', 0, 1_000), 1_000)).toBe(50);
    expect(windowOf(DUO.window, t('a', 0, 1_000), 6_000)).toBe(100);
    expect(windowOf(DUO.window, t('a', 0, 1_000), 1_000_000)).toBe(300);
    // A clock that went back never narrows it below start.
    expect(windowOf(DUO.window, t('a', 0, 5_000), 1_000)).toBe(50);
  });
});

describe('formMatches', () => {
  it('matches four players whose ratings fit every window, in balanced teams', () => {
    const matches = formMatches('2v2', DUO, [t('a', 1000), t('b', 1010), t('c', 1020), t('d', 1040)], 0);
    expect(matches).toHaveLength(1);
    expect(matches[0]!.mode).toBe('2v2');
    // Highest with lowest: 1040 + 1000 against 1020 + 1010.
    expect(matches[0]!.teams).toEqual([['d', 'a'], ['c', 'b']]);
  });

  it('leaves players apart until their windows widen enough to meet', () => {
    const tickets = [t('a', 1000), t('b', 1000), t('c', 1100), t('d', 1100)];
    expect(formMatches('2v2', DUO, tickets, 0)).toEqual([]);
    // 100 apart: a window of 50 + 10/s reaches it after 5 s, for every ticket.
    expect(formMatches('2v2', DUO, tickets, 4_900)).toEqual([]);
    expect(formMatches('2v2', DUO, tickets, 5_000)).toHaveLength(1);
  });

  it('needs every ticket to accept the spread: one fresh ticket keeps old ones from a wide match', () => {
    const old = [t('a', 1000), t('b', 1000), t('c', 1200)];
    const fresh = t('d', 1200, 60_000);
    expect(formMatches('2v2', DUO, [...old, fresh], 60_000)).toEqual([]);
    expect(formMatches('2v2', DUO, [...old, fresh], 75_000)).toHaveLength(1);
  });

  it('never widens past max', () => {
    expect(formMatches('2v2', DUO, [t('a', 0), t('b', 0), t('c', 301), t('d', 301)], 10_000_000)).toEqual([]);
  });

  it('keeps a party on one team and fills the other with solos', () => {
    const matches = formMatches('2v2', DUO, [t('p', 1000, 0, ['p', 'q']), t('a', 1005), t('b', 1010)], 0);
    expect(matches).toHaveLength(1);
    expect(matches[0]!.teams).toEqual([['p', 'q'], ['b', 'a']]);
  });

  it('matches two parties against each other, passing over a lone player rated between them', () => {
    const tickets = [t('p', 1000, 0, ['p', 'q']), t('x', 1001), t('r', 1002, 0, ['r', 's'])];
    const matches = formMatches('2v2', DUO, tickets, 0);
    expect(matches.map((m) => m.teams)).toEqual([[['r', 's'], ['p', 'q']]]);
  });

  it('balances teams of three by rating totals', () => {
    const trio: MatchMode = { ...DUO, teams: 2, teamSize: 3, window: { start: 1_000, growPerSecond: 0, max: 1_000 } };
    const tickets = ['a', 'b', 'c', 'd', 'e', 'f'].map((uid, i) => ({ ...t(uid, [100, 200, 300, 400, 500, 600][i]!), mode: 'trio' }));
    const [match] = formMatches('trio', trio, tickets, 0);
    const total = (team: string[]) => team.reduce((sum, uid) => sum + tickets.find((x) => x.uid === uid)!.rating, 0);
    expect(Math.abs(total(match!.teams[0]!) - total(match!.teams[1]!))).toBeLessThanOrEqual(100);
  });

  it('gives the same matches for the same tickets in any order', () => {
    const random = lcg(7);
    const tickets = Array.from({ length: 200 }, (_, i) => t(`u${i}`, Math.floor(random() * 500), Math.floor(random() * 10_000)));
    const once = formMatches('2v2', DUO, tickets, 20_000);
    const shuffled = [...tickets].sort(() => random() - 0.5);
    expect(formMatches('2v2', DUO, shuffled, 20_000)).toEqual(once);
    expect(once.length).toBeGreaterThan(0);
  });

  it('never puts one uid in two matches or twice in one, parties overlapping included, on random queues', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = lcg(seed);
      const tickets: Ticket[] = [];
      for (let i = 0; i < 300; i++) {
        const size = random() < 0.3 ? 2 : 1;
        const party = [`u${i}`, ...(size === 2 ? [`u${Math.floor(random() * 300)}`] : [])];
        tickets.push(t(`u${i}`, Math.floor(random() * 400), Math.floor(random() * 30_000), [...new Set(party)]));
      }
      const now = 30_000;
      const matches = formMatches('2v2', DUO, tickets, now);
      const seen = new Set<string>();
      for (const match of matches) {
        const uids = match.teams.flat();
        expect(uids).toHaveLength(4);
        for (const uid of uids) {
          expect(seen.has(uid), uid).toBe(false);
          seen.add(uid);
        }
        // Every ticket accepts every rating of its match.
        for (const ticket of match.tickets) {
          for (const other of match.tickets) expect(Math.abs(other.rating - ticket.rating)).toBeLessThanOrEqual(windowOf(DUO.window, ticket, now));
          expect(match.teams.some((team) => ticket.party.every((uid) => team.includes(uid)))).toBe(true);
        }
      }
    }
  });

  it('ignores tickets of other modes and parties larger than a team', () => {
    const other = { ...t('z', 1000), mode: 'ffa' };
    const big = t('p', 1000, 0, ['p', 'q', 'r']);
    expect(formMatches('2v2', DUO, [other, big, t('a', 1000), t('b', 1000), t('c', 1000)], 0)).toEqual([]);
  });

  it('stops scanning from one anchor after a bounded number of candidates', () => {
    const mode: MatchMode = { ...DUO, window: { start: 10, growPerSecond: 10, max: 300 } };
    const now = 100_000;
    // Fresh tickets between the anchor and its partners: their windows are too narrow to join it.
    const blockers = Array.from({ length: 4 * MAX_SCAN_PER_PLAYER }, (_, i) => t(`n${String(i).padStart(2, '0')}`, 150, now));
    const partners = [t('b', 200), t('c', 200), t('d', 200)];
    const unbounded = formMatches('2v2', mode, [t('a', 100), ...blockers.slice(0, 4 * MAX_SCAN_PER_PLAYER - partners.length), ...partners], now);
    expect(unbounded.find((m) => m.teams.flat().includes('a'))?.teams.flat().sort()).toEqual(['a', 'b', 'c', 'd']);
    const bounded = formMatches('2v2', mode, [t('a', 100), ...blockers, ...partners], now);
    expect(bounded.some((m) => m.teams.flat().includes('a'))).toBe(false);
    expect(bounded).toHaveLength(blockers.length / 4);
  });
});

describe('assignTeams', () => {
  it('refuses parties that do not pack into full teams', () => {
    const trio: MatchMode = { ...DUO, teamSize: 3 };
    expect(assignTeams([t('a', 0, 0, ['a', 'b']), t('c', 0, 0, ['c', 'd']), t('e', 0, 0, ['e', 'f'])], trio)).toBeUndefined();
    expect(assignTeams([t('a', 0, 0, ['a', 'b', 'c']), t('d', 0, 0, ['d', 'e']), t('f', 0)], trio)).toEqual([['a', 'b', 'c'], ['d', 'e', 'f']]);
  });
});
