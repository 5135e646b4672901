/** The contract every hub (memory and Redis) passes. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PubSubLimits, PubSubModule } from './pub-sub.js';

/** Two servers of one cluster (in one process both may be the same hub), each started. */
export interface PubSubPeers {
  a: PubSubModule;
  b: PubSubModule;
}

/** Generous: a loaded machine; the assertions never depend on how long delivery takes. */
const WAIT = { timeout: 10_000, interval: 5 };

/**
 * Runs the contract against hubs from `make`; each call gives fresh hubs that see each other's
 * topics and nobody else's. The suite stops them.
 */
export function pubSubContract(name: string, make: (limits?: Partial<PubSubLimits>) => Promise<PubSubPeers>): void {
  describe(`${name} (pub/sub contract)`, () => {
    const made: PubSubPeers[] = [];
    const peers = async (limits?: Partial<PubSubLimits>): Promise<PubSubPeers> => {
      const p = await make(limits);
      made.push(p);
      return p;
    };
    afterEach(async () => {
      for (const { a, b } of made.splice(0)) await Promise.all([a.stop(), b.stop()]);
    });

    it('delivers a message published on one server to every subscription of its topic on every server, each once', async () => {
      const { a, b } = await peers();
      const got: string[] = [];
      await a.subscribe('guild:42', (m) => void got.push(`a1 ${String(m)}`));
      await a.subscribe('guild:42', (m) => void got.push(`a2 ${String(m)}`));
      await b.subscribe('guild:42', (m, topic) => void got.push(`b ${String(m)} ${topic}`));
      await b.publish('guild:42', 'hello');
      await vi.waitFor(() => expect(got.sort()).toEqual(['a1 hello', 'a2 hello', 'b hello guild:42']), WAIT);
      await b.publish('guild:42', 'again');
      await vi.waitFor(() => expect(got).toHaveLength(6), WAIT);
    });

    it('hands each subscription one publisher\'s messages in publish order, one at a time', async () => {
      const { a, b } = await peers();
      const got: number[] = [];
      let running = 0;
      let most = 0;
      await a.subscribe('auction:updates', async (m) => {
        most = Math.max(most, ++running);
        await Promise.resolve();
        got.push(m as number);
        running--;
      });
      for (let i = 0; i < 300; i++) await b.publish('auction:updates', i);
      await vi.waitFor(() => expect(got).toHaveLength(300), WAIT);
      expect(got).toEqual(Array.from({ length: 300 }, (_, i) => i));
      expect(most).toBe(1);
    });

    it('never runs a handler inside publish', async () => {
      const { a } = await peers();
      let inside = false;
      let ranInside: boolean | undefined;
      await a.subscribe('t', () => void (ranInside = inside));
      inside = true;
      const publishing = a.publish('t', 1);
      inside = false;
      await publishing;
      await vi.waitFor(() => expect(ranInside).toBe(false), WAIT);
    });

    it('goes on delivering after a handler throws or rejects', async () => {
      const { a, b } = await peers();
      const got: number[] = [];
      await a.subscribe('t', async (m) => {
        got.push(m as number);
        if (m === 1) throw new Error('handler bug');
        if (m === 2) await Promise.reject(new Error('async handler bug'));
      });
      for (const m of [1, 2, 3]) await b.publish('t', m);
      await vi.waitFor(() => expect(got).toEqual([1, 2, 3]), WAIT);
    });

    it('stops delivering to a subscription once unsubscribed, and only to that one', async () => {
      const { a, b } = await peers();
      const first: unknown[] = [];
      const second: unknown[] = [];
      const sub = await a.subscribe('t', (m) => void first.push(m));
      await a.subscribe('t', (m) => void second.push(m));
      expect(sub.topic).toBe('t');
      await sub.unsubscribe();
      await sub.unsubscribe();
      await b.publish('t', 'after');
      await vi.waitFor(() => expect(second).toEqual(['after']), WAIT);
      expect(first).toEqual([]);
    });

    it('delivers to a topic subscribed again after its last subscription ended', async () => {
      const { a, b } = await peers();
      await (await a.subscribe('t', () => undefined)).unsubscribe();
      const got: unknown[] = [];
      await a.subscribe('t', (m) => void got.push(m));
      await b.publish('t', 'back');
      await vi.waitFor(() => expect(got).toEqual(['back']), WAIT);
    });

    it('keeps topics apart and delivers at most once: a message nobody subscribed to is gone', async () => {
      const { a, b } = await peers();
      await b.publish('server:announcements', 'nobody listens');
      const got: unknown[] = [];
      await a.subscribe('server:announcements', (m) => void got.push(m));
      await a.subscribe('guild:7', (m) => void got.push(`wrong topic ${String(m)}`));
      await b.publish('guild:8', 'elsewhere');
      await b.publish('server:announcements', 'maintenance at noon');
      await vi.waitFor(() => expect(got).toEqual(['maintenance at noon']), WAIT);
    });

    it('gives each subscription its own decoded copy of structured messages', async () => {
      const { a, b } = await peers();
      const message = { item: 'sword', price: 1_200, bids: [1, 2], at: new Date(1_700_000_000_000), blob: new Uint8Array([1, 2, 3]) };
      const got: unknown[] = [];
      await a.subscribe('t', (m) => {
        got.push(structuredClone(m));
        (m as { bids: number[] }).bids.push(99);
      });
      await a.subscribe('t', (m) => void got.push(structuredClone(m)));
      await b.publish('t', message);
      await vi.waitFor(() => expect(got).toHaveLength(2), WAIT);
      expect(got[0]).toEqual(message);
      expect(got[1]).toEqual(message);
    });

    it('refuses topic names outside 1-200 letters, digits and :._- with HUB_ERR_BAD_TOPIC', async () => {
      const { a } = await peers();
      for (const topic of ['', 'a b', 'guild/42', 'é', 'x'.repeat(201), 42 as unknown as string]) {
        await expect(a.publish(topic, 1)).rejects.toMatchObject({ code: 'HUB_ERR_BAD_TOPIC' });
        await expect(a.subscribe(topic, () => undefined)).rejects.toMatchObject({ code: 'HUB_ERR_BAD_TOPIC' });
      }
      for (const topic of ['guild:42', 'auction:updates', 'server:announcements', 'a.b_c-D9', 'x'.repeat(200)]) await a.publish(topic, 1);
    });

    it('refuses a message over maxMessageBytes before sending anything, with HUB_ERR_MESSAGE_TOO_LARGE', async () => {
      const { a, b } = await peers({ maxMessageBytes: 1_024 });
      const got: unknown[] = [];
      await a.subscribe('t', (m) => void got.push(typeof m === 'string' ? m.length : m));
      await expect(b.publish('t', 'x'.repeat(2_000))).rejects.toMatchObject({ code: 'HUB_ERR_MESSAGE_TOO_LARGE' });
      await b.publish('t', 'x'.repeat(1_000));
      await vi.waitFor(() => expect(got).toEqual([1_000]), WAIT);
    });

    it('refuses a value msgpack cannot carry with CODEC_ERR_UNENCODABLE', async () => {
      const { a } = await peers();
      await expect(a.publish('t', { f: () => 1 })).rejects.toMatchObject({ code: 'CODEC_ERR_UNENCODABLE' });
    });

    it('bounds a subscriber that cannot keep up: what does not fit is dropped and counted, and delivery resumes once it catches up', async () => {
      const { a, b } = await peers();
      let release!: () => void;
      const blocked = new Promise<void>((r) => (release = r));
      const got: number[] = [];
      const sub = await a.subscribe(
        't',
        async (m) => {
          got.push(m as number);
          if (m === 0) await blocked;
        },
        { maxQueued: 5 },
      );
      for (let i = 0; i < 20; i++) await b.publish('t', i);
      // 0 runs (and blocks), 1-5 wait in the queue, 6-19 do not fit.
      await vi.waitFor(() => expect(sub.dropped).toBe(14), WAIT);
      release();
      await vi.waitFor(() => expect(got).toEqual([0, 1, 2, 3, 4, 5]), WAIT);
      await b.publish('t', 20);
      await vi.waitFor(() => expect(got.at(-1)).toBe(20), WAIT);
      expect(sub.dropped).toBe(14);
    });

    it('refuses a subscription past maxSubscriptions with HUB_ERR_TOO_MANY_SUBSCRIPTIONS, and takes one again after an unsubscribe', async () => {
      const { a } = await peers({ maxSubscriptions: 2 });
      const first = await a.subscribe('t', () => undefined);
      await a.subscribe('u', () => undefined);
      await expect(a.subscribe('v', () => undefined)).rejects.toMatchObject({ code: 'HUB_ERR_TOO_MANY_SUBSCRIPTIONS' });
      await first.unsubscribe();
      await a.subscribe('v', () => undefined);
    });

    it('refuses publish and subscribe once stopped with HUB_ERR_STOPPED', async () => {
      const { a } = await peers();
      await a.stop();
      await expect(a.publish('t', 1)).rejects.toMatchObject({ code: 'HUB_ERR_STOPPED' });
      await expect(a.subscribe('t', () => undefined)).rejects.toMatchObject({ code: 'HUB_ERR_STOPPED' });
    });
  });
}
