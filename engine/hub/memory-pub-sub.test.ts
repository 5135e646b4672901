import { describe, expect, it, vi } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import { MemoryPubSub } from './memory-pub-sub.js';
import { pubSubContract } from './pub-sub.contract.js';

pubSubContract('MemoryPubSub', async (limits) => {
  const hub = new MemoryPubSub({ logger: new MemoryLogger(), ...(limits ? { limits } : {}) });
  await hub.start();
  return { a: hub, b: hub };
});

describe('MemoryPubSub', () => {
  it('logs a slow subscriber once per burst of drops, and says when it caught up', async () => {
    const logger = new MemoryLogger();
    const hub = new MemoryPubSub({ logger, limits: { maxQueued: 2 } });
    let release!: () => void;
    let blocked = new Promise<void>((r) => (release = r));
    const sub = await hub.subscribe('t', () => blocked);
    for (let i = 0; i < 10; i++) await hub.publish('t', i);
    release();
    await vi.waitFor(() => expect(logger.at('warn').filter((l) => l.message.includes('caught up'))).toHaveLength(1));
    blocked = new Promise<void>((r) => (release = r));
    for (let i = 0; i < 10; i++) await hub.publish('t', i);
    release();
    await vi.waitFor(() => expect(logger.at('warn').filter((l) => l.message.includes('caught up'))).toHaveLength(2));
    expect(logger.at('warn').filter((l) => l.message.includes('cannot keep up'))).toHaveLength(2);
    expect(sub.dropped).toBe(14);
  });

  it('refuses limits that are not positive integers', () => {
    expect(() => new MemoryPubSub({ logger: new MemoryLogger(), limits: { maxQueued: 0 } })).toThrow(RangeError);
  });
});
