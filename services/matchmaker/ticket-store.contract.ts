/** The contract every {@link TicketStore} passes (memory and Redis). */
import { describe, expect, it } from 'vitest';
import type { TicketStore } from './ticket-store.js';
import type { Ticket } from './ticket.js';

const ticket = (uid: string, rating = 1000, party: string[] = [uid], mode = '2v2'): Ticket => ({ uid, mode, party, rating, since: 5_000 });

/** Runs the contract against stores from `make`; each call must give an empty store. */
export function ticketStoreContract(name: string, make: () => Promise<TicketStore>): void {
  describe(`${name} (ticket store contract)`, () => {
    it('queues a ticket and finds it by its owner and by each party member', async () => {
      const store = await make();
      expect(await store.add(ticket('a', 1000, ['a', 'b']), 10)).toBe('added');
      const expected = { ticket: ticket('a', 1000, ['a', 'b']), state: 'waiting', attempts: 0 };
      expect(await store.get('a')).toEqual(expected);
      expect(await store.get('b')).toEqual(expected);
      expect(await store.get('c')).toBeUndefined();
    });

    it('refuses a ticket naming anyone who has one already, and a ticket over the queue bound', async () => {
      const store = await make();
      await store.add(ticket('a', 1000, ['a', 'b']), 10);
      expect(await store.add(ticket('b'), 10)).toBe('queued');
      expect(await store.add(ticket('c', 1000, ['c', 'a']), 10)).toBe('queued');
      expect(await store.add(ticket('c'), 1)).toBe('full');
      // Bounds count per mode.
      expect(await store.add(ticket('c', 1000, ['c'], 'ffa'), 1)).toBe('added');
      expect(await store.get('c')).toMatchObject({ ticket: { mode: 'ffa' } });
    });

    it('lists the waiting tickets of a mode lowest rating first, up to a limit', async () => {
      const store = await make();
      for (const [uid, rating] of [['a', 30], ['b', 10], ['c', 20], ['d', 20]] as const) await store.add(ticket(uid, rating), 10);
      await store.add(ticket('z', 1, ['z'], 'ffa'), 10);
      expect((await store.waiting('2v2', 10)).map((t) => t.uid)).toEqual(['b', 'c', 'd', 'a']);
      expect((await store.waiting('2v2', 2)).map((t) => t.uid)).toEqual(['b', 'c']);
      expect(await store.waiting('none', 10)).toEqual([]);
    });

    it('cancels a waiting ticket by any member, freeing every member to queue again', async () => {
      const store = await make();
      await store.add(ticket('a', 1000, ['a', 'b']), 10);
      expect(await store.cancel('b')).toEqual({ cancelled: ticket('a', 1000, ['a', 'b']) });
      expect(await store.get('a')).toBeUndefined();
      expect(await store.waiting('2v2', 10)).toEqual([]);
      expect(await store.cancel('a')).toBe('none');
      expect(await store.add(ticket('b'), 10)).toBe('added');
    });

    it('claims all of a match\'s tickets or none, so that no ticket is in two matches', async () => {
      const store = await make();
      for (const uid of ['a', 'b', 'c', 'd', 'e']) await store.add(ticket(uid), 10);
      expect(await store.claim('m1', ['a', 'b', 'c', 'd'], 10_000)).toBe(true);
      expect(await store.claim('m2', ['b', 'e'], 10_000)).toBe(false);
      expect(await store.claim('m3', ['e', 'gone'], 10_000)).toBe(false);
      expect(await store.claim('m1', ['e'], 10_000)).toBe(false);
      expect((await store.waiting('2v2', 10)).map((t) => t.uid)).toEqual(['e']);
      expect(await store.get('a')).toMatchObject({ state: 'launching' });
      expect(await store.cancel('a')).toBe('launching');
      expect(await store.claim('m4', ['e'], 10_000)).toBe(true);
    });

    it('deletes a launched match\'s tickets once, and its players may queue again', async () => {
      const store = await make();
      await store.add(ticket('a', 1000, ['a', 'b']), 10);
      await store.claim('m1', ['a'], 10_000);
      expect(await store.complete('m1')).toBe(true);
      expect(await store.complete('m1')).toBe(false);
      expect(await store.get('b')).toBeUndefined();
      expect(await store.add(ticket('b'), 10)).toBe('added');
    });

    it('puts a failed match\'s tickets back as old as they were, and drops those out of attempts', async () => {
      const store = await make();
      await store.add(ticket('a'), 10);
      await store.add(ticket('b'), 10);
      await store.claim('m1', ['a', 'b'], 10_000);
      expect(await store.release('m1', 2)).toEqual([]);
      expect(await store.waiting('2v2', 10)).toEqual([ticket('a'), ticket('b')]);
      expect(await store.get('a')).toEqual({ ticket: ticket('a'), state: 'waiting', attempts: 1 });
      expect(await store.release('m1', 2)).toEqual([]);
      await store.claim('m2', ['a'], 10_000);
      expect(await store.release('m2', 2)).toEqual([ticket('a')]);
      expect(await store.get('a')).toBeUndefined();
      expect(await store.complete('m2')).toBe(false);
      expect((await store.waiting('2v2', 10)).map((t) => t.uid)).toEqual(['b']);
    });

    it('lists the claims whose deadline has passed, oldest first', async () => {
      const store = await make();
      for (const uid of ['a', 'b', 'c']) await store.add(ticket(uid), 10);
      await store.claim('late', ['a'], 20_000);
      await store.claim('early', ['b'], 10_000);
      await store.claim('later', ['c'], 30_000);
      expect(await store.expired(9_999, 10)).toEqual([]);
      expect(await store.expired(20_000, 10)).toEqual(['early', 'late']);
      expect(await store.expired(40_000, 1)).toEqual(['early']);
      await store.release('early', 3);
      expect(await store.expired(40_000, 10)).toEqual(['late', 'later']);
    });
  });
}
