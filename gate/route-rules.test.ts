import { describe, expect, it } from 'vitest';
import { RouteRules } from './route-rules.js';

describe('RouteRules', () => {
  it('needs authentication for routes no rule names', () => {
    expect(new RouteRules().actionFor('Inventory.buy')).toBe('auth');
  });

  it('takes the exact rule, then the longest prefix, then the catch-all', () => {
    const rules = new RouteRules({ 'admin.*': 'block', 'admin.status.*': 'pass', 'public.time': 'pass', '*': 'auth' });
    expect(rules.actionFor('public.time')).toBe('pass');
    expect(rules.actionFor('admin.kick')).toBe('block');
    expect(rules.actionFor('admin.status.now')).toBe('pass');
    expect(rules.actionFor('Chat.say')).toBe('auth');
    expect(new RouteRules({ '*': 'block' }).actionFor('anything')).toBe('block');
  });

  it('replaces every rule at once on reload, and keeps the old ones when the new set is invalid', () => {
    const rules = new RouteRules({ 'Chat.say': 'block' });
    expect(rules.actionFor('Chat.say')).toBe('block');
    rules.replace({ 'Chat.say': 'auth' });
    expect(rules.actionFor('Chat.say')).toBe('auth');
    expect(() => rules.replace({ 'Chat.say': 'deny' as 'block' })).toThrow(/unknown action/);
    expect(rules.actionFor('Chat.say')).toBe('auth');
  });

  it('does not grow its cache without bound on client-chosen routes', () => {
    const rules = new RouteRules({ 'x.*': 'block' });
    for (let i = 0; i < 10_000; i++) rules.actionFor(`route.${i}`);
    expect((rules as unknown as { cache: Map<string, string> }).cache.size).toBeLessThanOrEqual(4096);
  });
});
