import { describe, expect, it } from 'vitest';
import { DeferredModule } from './deferred-module.js';

describe('DeferredModule', () => {
  it('builds its module at start and passes drain and stop through', async () => {
    const calls: string[] = [];
    const deferred = new DeferredModule('late', () => {
      calls.push('build');
      return { name: 'inner', start: async () => void calls.push('start'), drain: async () => void calls.push('drain'), stop: async () => void calls.push('stop') };
    });
    expect(() => deferred.module).toThrow(/not started/);
    await deferred.drain();
    await deferred.stop();
    expect(calls).toEqual([]);
    await deferred.start();
    await deferred.drain();
    await deferred.stop();
    expect(calls).toEqual(['build', 'start', 'drain', 'stop']);
    expect(deferred.module.name).toBe('inner');
  });
});
