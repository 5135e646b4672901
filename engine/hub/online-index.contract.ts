/** The contract every {@link OnlineIndex} passes (memory and Redis). */
import { describe, expect, it } from 'vitest';
import type { OnlineIndex } from './online-index.js';

/** Runs the contract against indexes from `make`; each call must give an empty index. */
export function onlineIndexContract(name: string, make: () => Promise<OnlineIndex>): void {
  describe(`${name} (online index contract)`, () => {
    it('returns the session a claim replaces', async () => {
      const index = await make();
      expect(await index.claim('u1', { gateId: 'gate-a', sessionId: 's1' })).toBeUndefined();
      expect(await index.claim('u1', { gateId: 'gate-b', sessionId: 's2' })).toEqual({ gateId: 'gate-a', sessionId: 's1' });
      expect(await index.lookup('u1')).toEqual({ gateId: 'gate-b', sessionId: 's2' });
    });

    it('looks many accounts up at once, in the order asked, undefined for those not logged in', async () => {
      const index = await make();
      await index.claim('u1', { gateId: 'gate-a', sessionId: 's1' });
      await index.claim('u3', { gateId: 'gate-b', sessionId: 's3' });
      expect(await index.lookupMany(['u3', 'u2', 'u1', 'u3'])).toEqual([{ gateId: 'gate-b', sessionId: 's3' }, undefined, { gateId: 'gate-a', sessionId: 's1' }, { gateId: 'gate-b', sessionId: 's3' }]);
      expect(await index.lookupMany([])).toEqual([]);
    });

    it('releases only the session that still holds the account', async () => {
      const index = await make();
      await index.claim('u1', { gateId: 'gate-a', sessionId: 's1' });
      await index.claim('u1', { gateId: 'gate-b', sessionId: 's2' });
      await index.release('u1', 's1');
      expect(await index.lookup('u1')).toEqual({ gateId: 'gate-b', sessionId: 's2' });
      await index.release('u1', 's2');
      expect(await index.lookup('u1')).toBeUndefined();
    });

    it('refreshes a gate\'s entries, writes a missing one again, and reports those another session holds', async () => {
      const index = await make();
      await index.claim('u1', { gateId: 'gate-a', sessionId: 's1' });
      await index.claim('u2', { gateId: 'gate-a', sessionId: 's2' });
      await index.claim('u2', { gateId: 'gate-b', sessionId: 's9' });
      const lost = await index.refresh([
        { uid: 'u1', gateId: 'gate-a', sessionId: 's1' },
        { uid: 'u2', gateId: 'gate-a', sessionId: 's2' },
        { uid: 'u3', gateId: 'gate-a', sessionId: 's3' },
      ]);
      expect(lost).toEqual([{ uid: 'u2', gateId: 'gate-a', sessionId: 's2' }]);
      expect(await index.lookup('u1')).toEqual({ gateId: 'gate-a', sessionId: 's1' });
      expect(await index.lookup('u2')).toEqual({ gateId: 'gate-b', sessionId: 's9' });
      expect(await index.lookup('u3')).toEqual({ gateId: 'gate-a', sessionId: 's3' });
      expect(await index.refresh([])).toEqual([]);
    });

    it('removes the entries still naming a departed gate, and only those, once', async () => {
      const index = await make();
      await index.claim('u1', { gateId: 'gate-a', sessionId: 's1' });
      await index.claim('u2', { gateId: 'gate-a', sessionId: 's2' });
      await index.claim('u2', { gateId: 'gate-b', sessionId: 's3' });
      await index.claim('u3', { gateId: 'gate-a2', sessionId: 's4' });
      expect(await index.removeGate('gate-a')).toBe(1);
      expect(await index.lookup('u1')).toBeUndefined();
      expect(await index.lookup('u2')).toEqual({ gateId: 'gate-b', sessionId: 's3' });
      expect(await index.lookup('u3')).toEqual({ gateId: 'gate-a2', sessionId: 's4' });
      expect(await index.removeGate('gate-a')).toBe(0);
    });
  });
}
