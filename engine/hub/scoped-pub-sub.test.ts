import { describe, expect, it, vi } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import { MemoryPubSub } from './memory-pub-sub.js';
import { ScopedPubSub } from './scoped-pub-sub.js';

describe('ScopedPubSub', () => {
  it('ends the subscriptions made through it on close, leaving the hub\'s others alone, and refuses calls after', async () => {
    const hub = new MemoryPubSub({ logger: new MemoryLogger() });
    const scope = new ScopedPubSub(hub);
    const got: string[] = [];
    await scope.subscribe('t', (m) => void got.push(`scoped ${String(m)}`));
    const gone = await scope.subscribe('t', () => undefined);
    await gone.unsubscribe();
    expect(scope.size).toBe(1);
    await hub.subscribe('t', (m) => void got.push(`hub ${String(m)}`));
    await scope.publish('t', 1);
    await vi.waitFor(() => expect(got.sort()).toEqual(['hub 1', 'scoped 1']));
    await scope.close();
    expect(scope.size).toBe(0);
    await hub.publish('t', 2);
    await vi.waitFor(() => expect(got).toContain('hub 2'));
    expect(got).not.toContain('scoped 2');
    await expect(scope.publish('t', 3)).rejects.toMatchObject({ code: 'HUB_ERR_STOPPED' });
    await expect(scope.subscribe('t', () => undefined)).rejects.toMatchObject({ code: 'HUB_ERR_STOPPED' });
  });

  it('shows the dropped count of the subscription it wraps', async () => {
    const hub = new MemoryPubSub({ logger: new MemoryLogger() });
    const sub = await new ScopedPubSub(hub).subscribe('t', () => new Promise<void>(() => undefined), { maxQueued: 1 });
    for (let i = 0; i < 5; i++) await hub.publish('t', i);
    expect(sub.dropped).toBe(3);
  });
});
