import { describe, expect, it } from 'vitest';
import { decode } from '../engine/codec/msgpack-codec.js';
import { SessionDataMap } from '../engine/session/session-data-map.js';
import { SessionData } from './session-data.js';

function setup() {
  const told: [string, unknown][] = [];
  const map = new SessionDataMap();
  const data = new SessionData(map, (key, value) => {
    told.push([key, value === null ? null : decode(value)]);
    return true;
  });
  return { data, map, told };
}

describe('SessionData', () => {
  it('keeps a copy of each value, reads copies back, and tells the gate of every change', () => {
    const { data, told } = setup();
    const match = { id: 7, players: ['u1', 'u2'] };
    data.set('match', match);
    match.players.push('u3');
    expect(data.get('match')).toEqual({ id: 7, players: ['u1', 'u2'] });
    (data.get<{ players: string[] }>('match')!.players).push('x');
    expect(data.get('match')).toEqual({ id: 7, players: ['u1', 'u2'] });
    data.set('ready', true);
    expect([data.has('ready'), data.size, data.keys()]).toEqual([true, 2, ['match', 'ready']]);
    expect(data.delete('ready')).toBe(true);
    expect(data.delete('ready')).toBe(false);
    expect(data.get('ready')).toBeUndefined();
    expect(told).toEqual([
      ['match', { id: 7, players: ['u1', 'u2'] }],
      ['ready', true],
      ['ready', null],
    ]);
  });

  it('starts with what the bind carried', () => {
    const map = new SessionDataMap();
    map.set('queue', Uint8Array.of(0xa3, 0x61, 0x72, 0x6e)); // msgpack "arn"
    expect(new SessionData(map, () => true).get('queue')).toBe('arn');
  });

  it('refuses past the caps, undefined and unencodable values with a clear error, and tells the gate nothing', () => {
    const { data, told } = setup();
    expect(() => data.set('big', 'x'.repeat(5_000))).toThrow(/session data: big would make \d+ bytes, cap 4096/);
    expect(() => data.set('bad key', 1)).toThrow(RangeError);
    expect(() => data.set('gone', undefined)).toThrow(/delete it instead/);
    expect(() => data.set('fn', () => 1)).toThrow(/CODEC_ERR_UNENCODABLE/);
    for (let i = 0; i < 32; i++) data.set(`k${i}`, i);
    expect(() => data.set('k32', 32)).toThrow(/cap 32/);
    expect(told).toHaveLength(32);
    expect(data.size).toBe(32);
  });
});
