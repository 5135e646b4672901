import { describe, expect, it } from 'vitest';
import { MsgpackCodec } from '../engine/codec/msgpack-codec.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { GateLink, type GateNotifier } from './gate-link.js';

describe('GateLink', () => {
  it('names its lobby in each kick, so that a gate can ignore a lobby its session has left', () => {
    const sent: { serverId: string; method: string; args: readonly unknown[] }[] = [];
    const notifier: GateNotifier = { notify: (serverId, _service, method, args) => void sent.push({ serverId, method, args }) };
    let lobbyId = 'lobby-1';
    const link = new GateLink(notifier, new MemoryLogger(), new MsgpackCodec(), () => lobbyId);
    expect(link.kick('gate-a', 's1', 'LOBBY_ERR_OWNERSHIP_LOST')).toBe(true);
    // Read at each kick: a lobby's server id may change when it registers again.
    lobbyId = 'lobby-9';
    link.kick('gate-a', 's2', 'banned');
    expect(sent).toEqual([
      { serverId: 'gate-a', method: 'kick', args: ['s1', 'LOBBY_ERR_OWNERSHIP_LOST', 'lobby-1'] },
      { serverId: 'gate-a', method: 'kick', args: ['s2', 'banned', 'lobby-9'] },
    ]);
    expect(link.stats().kicks).toBe(2);
  });
});
