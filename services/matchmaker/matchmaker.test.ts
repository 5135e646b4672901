import { describe, expect, it } from 'vitest';
import { MatchError } from '../../engine/matchmaking/errors.js';
import { testMatchmaker } from './fixtures/matchmaker-kit.js';
import { MemoryTicketStore, type TicketStore } from './ticket-store.js';

const solo = (uid: string, rating = 1000) => ({ uid, mode: '2v2', rating });

describe('Matchmaker', () => {
  it('queues a ticket and answers its status for the owner and every party member, until cancelled', async () => {
    const { matchmaker, clock } = testMatchmaker(new MemoryTicketStore());
    const status = await matchmaker.enqueue({ uid: 'a', mode: '2v2', party: ['b'], rating: 1200 });
    expect(status).toEqual({ owner: 'a', mode: '2v2', party: ['a', 'b'], rating: 1200, since: clock.now(), state: 'waiting' });
    expect(await matchmaker.status('b')).toEqual(status);
    expect(await matchmaker.cancel('b')).toBe(true);
    expect(await matchmaker.status('a')).toBeNull();
    expect(await matchmaker.cancel('a')).toBe(false);
  });

  it('refuses malformed tickets, unknown modes and parties larger than a team with coded errors', async () => {
    const { matchmaker } = testMatchmaker(new MemoryTicketStore());
    const refusal = (request: unknown) => matchmaker.enqueue(request).then(() => 'queued', (err: MatchError) => err.code);
    expect(await refusal(null)).toBe('MATCH_ERR_BAD_TICKET');
    expect(await refusal({ uid: '', mode: '2v2', rating: 1 })).toBe('MATCH_ERR_BAD_TICKET');
    expect(await refusal({ uid: 'a', mode: '2v2', rating: Number.NaN })).toBe('MATCH_ERR_BAD_TICKET');
    expect(await refusal({ uid: 'a', mode: '2v2', rating: 1, party: 'b' })).toBe('MATCH_ERR_BAD_TICKET');
    expect(await refusal({ uid: 'a', mode: '2v2', rating: 1, party: ['b', 'b'] })).toBe('MATCH_ERR_BAD_TICKET');
    expect(await refusal({ uid: 'a', mode: '2v2', rating: 1, party: [7] })).toBe('MATCH_ERR_BAD_TICKET');
    expect(await refusal({ uid: 'a'.repeat(129), mode: '2v2', rating: 1 })).toBe('MATCH_ERR_BAD_TICKET');
    expect(await refusal({ uid: 'a', mode: '5v5', rating: 1 })).toBe('MATCH_ERR_UNKNOWN_MODE');
    expect(await refusal({ uid: 'a', mode: 'toString', rating: 1 })).toBe('MATCH_ERR_UNKNOWN_MODE');
    expect(await refusal({ uid: 'a', mode: '2v2', rating: 1, party: ['b', 'c'] })).toBe('MATCH_ERR_PARTY_TOO_LARGE');
    expect(await refusal({ uid: 'a', mode: '2v2', rating: 1, party: Array.from({ length: 1e5 }, (_, i) => `p${i}`) })).toBe('MATCH_ERR_PARTY_TOO_LARGE');
    await expect(matchmaker.cancel(7)).rejects.toMatchObject({ code: 'MATCH_ERR_BAD_TICKET' });
    await expect(matchmaker.status(undefined)).rejects.toMatchObject({ code: 'MATCH_ERR_BAD_TICKET' });
  });

  it('refuses a second ticket for a queued player, and tickets past the mode\'s bound', async () => {
    const { matchmaker } = testMatchmaker(new MemoryTicketStore(), { settings: { maxTicketsPerMode: 2 } });
    await matchmaker.enqueue({ uid: 'a', mode: '2v2', party: ['b'], rating: 1 });
    await expect(matchmaker.enqueue(solo('b'))).rejects.toMatchObject({ name: 'MatchError', code: 'MATCH_ERR_ALREADY_QUEUED' });
    await matchmaker.enqueue(solo('c'));
    await expect(matchmaker.enqueue(solo('d'))).rejects.toMatchObject({ code: 'MATCH_ERR_QUEUE_FULL' });
  });

  it('answers MATCH_ERR_UNAVAILABLE when the ticket store fails', async () => {
    const broken = new Proxy({} as TicketStore, { get: () => () => Promise.reject(new Error('connection refused')) });
    const { matchmaker } = testMatchmaker(broken);
    await expect(matchmaker.enqueue(solo('a'))).rejects.toMatchObject({ code: 'MATCH_ERR_UNAVAILABLE' });
    await expect(matchmaker.status('a')).rejects.toMatchObject({ code: 'MATCH_ERR_UNAVAILABLE' });
    await expect(matchmaker.cancel('a')).rejects.toMatchObject({ code: 'MATCH_ERR_UNAVAILABLE' });
  });

  it('launches a match of four online players into the mode\'s space, with their sessions, and frees them to queue again', async () => {
    const { matchmaker, launcher, online } = testMatchmaker(new MemoryTicketStore());
    online.online('a', 'b', 'c', 'd');
    for (const [uid, rating] of [['a', 1000], ['b', 1010], ['c', 1020], ['d', 1040]] as const) await matchmaker.enqueue(solo(uid, rating));
    expect(await matchmaker.pass()).toEqual({ launched: 1, failed: 0, offline: 0 });
    expect(launcher.plans).toHaveLength(1);
    const plan = launcher.plans[0]!;
    expect(plan).toMatchObject({ mode: '2v2', space: 'match', teams: [['d', 'a'], ['c', 'b']] });
    expect(plan.players).toEqual(['d', 'a', 'c', 'b'].map((uid) => ({ uid, gateId: 'gate-1', sessionId: `s-${uid}` })));
    expect(await matchmaker.status('a')).toBeNull();
    await matchmaker.enqueue(solo('a'));
    expect(await matchmaker.pass()).toEqual({ launched: 0, failed: 0, offline: 0 });
  });

  it('matches players far apart once their windows have widened with waiting', async () => {
    const { matchmaker, launcher, online, clock } = testMatchmaker(new MemoryTicketStore());
    online.online('a', 'b', 'c', 'd');
    for (const [uid, rating] of [['a', 1000], ['b', 1000], ['c', 1150], ['d', 1150]] as const) await matchmaker.enqueue(solo(uid, rating));
    await matchmaker.pass();
    clock.advance(9_000);
    await matchmaker.pass();
    expect(launcher.plans).toHaveLength(0);
    clock.advance(1_000);
    await matchmaker.pass();
    expect(launcher.plans.map((p) => p.teams.flat().sort())).toEqual([['a', 'b', 'c', 'd']]);
  });

  it('cancels the ticket of a player who is offline when forming, and leaves the rest waiting', async () => {
    const { matchmaker, launcher, online } = testMatchmaker(new MemoryTicketStore());
    online.online('a', 'b', 'c');
    await matchmaker.enqueue({ uid: 'a', mode: '2v2', party: ['d'], rating: 1000 });
    for (const uid of ['b', 'c']) await matchmaker.enqueue(solo(uid));
    expect(await matchmaker.pass()).toEqual({ launched: 0, failed: 0, offline: 1 });
    expect(launcher.plans).toEqual([]);
    expect(await matchmaker.status('a')).toBeNull();
    expect(await matchmaker.status('b')).toMatchObject({ state: 'waiting' });
  });

  it('sweeps out the tickets of players who went offline while waiting', async () => {
    const { matchmaker, online } = testMatchmaker(new MemoryTicketStore());
    online.online('a', 'b', 'c');
    for (const uid of ['a', 'b', 'c']) await matchmaker.enqueue(solo(uid));
    online.offline('b');
    expect(await matchmaker.sweep()).toBe(1);
    expect(await matchmaker.status('b')).toBeNull();
    expect(await matchmaker.status('a')).toMatchObject({ state: 'waiting' });
  });

  it('puts the tickets of a failed launch back, logs it, and drops them after the last attempt', async () => {
    const { matchmaker, launcher, online, logger } = testMatchmaker(new MemoryTicketStore(), { settings: { launchAttempts: 2 } });
    online.online('a', 'b', 'c', 'd');
    for (const uid of ['a', 'b', 'c', 'd']) await matchmaker.enqueue(solo(uid));
    launcher.failing = new Error('no lobby');
    expect(await matchmaker.pass()).toEqual({ launched: 0, failed: 1, offline: 0 });
    expect(await matchmaker.status('a')).toMatchObject({ state: 'waiting' });
    expect(logger.at('warn').map((l) => l.message)).toContain('matchmaker: a match failed to launch; its tickets are back in the queue');
    expect(await matchmaker.pass()).toEqual({ launched: 0, failed: 1, offline: 0 });
    expect(await matchmaker.status('a')).toBeNull();
    launcher.failing = undefined;
    for (const uid of ['a', 'b', 'c', 'd']) await matchmaker.enqueue(solo(uid));
    expect(await matchmaker.pass()).toMatchObject({ launched: 1 });
  });

  it('never puts a player in two matches when two matchmakers share the store', async () => {
    const store = new MemoryTicketStore();
    const first = testMatchmaker(store);
    const second = testMatchmaker(store, { clock: first.clock, online: first.online });
    const uids = Array.from({ length: 400 }, (_, i) => `u${i}`);
    first.online.online(...uids);
    for (const [i, uid] of uids.entries()) await first.matchmaker.enqueue(solo(uid, 1000 + (i % 40)));
    await Promise.all([first.matchmaker.pass(), second.matchmaker.pass()]);
    const matched = [...first.launcher.plans, ...second.launcher.plans].flatMap((p) => p.teams.flat());
    expect(matched).toHaveLength(400);
    expect(new Set(matched).size).toBe(400);
  });

  it('releases the tickets of a launch whose matchmaker never finished it, once the claim expires', async () => {
    const store = new MemoryTicketStore();
    const { matchmaker, launcher, online, clock } = testMatchmaker(store);
    online.online('a', 'b', 'c', 'd');
    for (const uid of ['a', 'b', 'c', 'd']) await matchmaker.enqueue(solo(uid));
    // A matchmaker that claimed them and died.
    expect(await store.claim('lost', ['a', 'b', 'c', 'd'], clock.now() + 30_000)).toBe(true);
    expect(await matchmaker.pass()).toMatchObject({ launched: 0 });
    clock.advance(30_000);
    expect(await matchmaker.pass()).toMatchObject({ launched: 1 });
    expect(launcher.plans[0]!.teams.flat().sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('forms matches on its period once started, and stops on drain', async () => {
    const served: string[] = [];
    const rpc = { serve: (name: string) => served.push(name), targets: { unserve: (name: string) => served.splice(served.indexOf(name), 1) } };
    const { matchmaker, launcher, online, clock } = testMatchmaker(new MemoryTicketStore(), { rpc: rpc as never });
    await matchmaker.start();
    expect(served).toEqual(['matchmaker']);
    online.online('a', 'b', 'c', 'd');
    for (const uid of ['a', 'b', 'c', 'd']) await matchmaker.enqueue(solo(uid));
    clock.advance(1_000);
    await matchmaker.idle();
    expect(launcher.plans).toHaveLength(1);
    await matchmaker.stop();
    expect(served).toEqual([]);
    for (const uid of ['a', 'b', 'c', 'd']) await matchmaker.enqueue(solo(uid));
    clock.advance(5_000);
    await matchmaker.idle();
    expect(launcher.plans).toHaveLength(1);
  });
});
