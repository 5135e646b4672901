import { describe, expect, it } from 'vitest';
import type { LoadReport, ServerInfo } from './discovery.js';
import { FullServers } from './full-servers.js';

const server = (id: string, sessions = 0): ServerInfo => ({ id, type: 'lobby', address: `${id}:1`, version: '1', startedAt: 0, load: { sessions, entities: 0, eventLoopLagMs: 0, cpu: 0 }, meta: {} });
const reported = (s: ServerInfo, load: Partial<LoadReport> = {}): ServerInfo => ({ ...s, load: { ...s.load, ...load } });

describe('FullServers', () => {
  it('leaves out a server that refused until it reports its load again', () => {
    const full = new FullServers();
    const [a, b, c] = [server('a'), server('b'), server('c')];
    full.mark(b);
    expect(full.without([a, b, c]).map((s) => s.id)).toEqual(['a', 'c']);
    expect(full.without([c, b, a]).map((s) => s.id)).toEqual(['c', 'a']);
    // A new report, even with the same figures, says what the server holds now.
    expect(full.without([a, reported(b), c]).map((s) => s.id)).toEqual(['a', 'b', 'c']);
    expect(full.without([a, b, c]).map((s) => s.id)).toEqual(['a', 'b', 'c']);
  });

  it('forgets servers discovery no longer lists, so that it holds no more than the live ones', () => {
    const full = new FullServers();
    const [a, b] = [server('a'), server('b')];
    full.mark(a);
    full.mark(b);
    expect(full.without([b])).toEqual([]);
    // a left and came back under the same report: forgotten all the same.
    expect(full.without([a, b]).map((s) => s.id)).toEqual(['a']);
  });
});
