import { describe, expect, it } from 'vitest';
import { sessionRows } from './session-panel.js';
import { sortServers } from './servers-table.js';
import type { ServerInfo } from './admin-types.js';

describe('what the dashboard lists', () => {
  it('describes a session found online with where it is, in a fixed order', () => {
    expect(sessionRows({ account: 'u1', username: 'alice', online: true, gate: 'gate-1', session: 's9', lobby: 'lobby-2', avatar: 'avatar-u1', space: 'field' })).toEqual([
      ['Account', 'u1'], ['Username', 'alice'], ['Online', 'yes'], ['Gate', 'gate-1'], ['Session', 's9'], ['Lobby', 'lobby-2'], ['Avatar', 'avatar-u1'], ['Space', 'field'],
    ]);
  });

  it('describes an account offline with what it knows only', () => {
    expect(sessionRows({ account: 'u2', online: false })).toEqual([['Account', 'u2'], ['Online', 'no']]);
  });

  it('orders the servers table by type, then id', () => {
    const server = (id: string, type: string): ServerInfo => ({ id, type, host: 'h', address: 'a', version: '1', startedAt: 0, load: { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 }, draining: false });
    expect(sortServers([server('lobby-2', 'lobby'), server('gate-1', 'gate'), server('lobby-1', 'lobby'), server('services-1', 'services')]).map((s) => s.id)).toEqual(['gate-1', 'lobby-1', 'lobby-2', 'services-1']);
  });
});
