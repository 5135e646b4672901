import { describe, expect, it } from 'vitest';
import { LayeredConfig } from './layered-config.js';

describe('LayeredConfig', () => {
  it('merges objects deeply and replaces arrays and scalars', () => {
    const layered = new LayeredConfig();
    layered.merge({ log: { level: 'info', file: { dir: 'logs' } }, hosts: ['a', 'b'] }, 'defaults');
    layered.merge({ log: { file: { enabled: true } }, hosts: ['c'] }, 'file');
    expect(layered.value).toEqual({ log: { level: 'info', file: { dir: 'logs', enabled: true } }, hosts: ['c'] });
  });

  it('does not modify or share the objects of its layers', () => {
    const base = { log: { level: 'info' } };
    const layered = new LayeredConfig();
    layered.merge(base, 'defaults');
    layered.set(['log', 'level'], 'debug', 'env X');
    expect(base).toEqual({ log: { level: 'info' } });
    expect(layered.value['log']).not.toBe(base.log);
  });

  it('remembers the origin of each leaf, and of ancestors set as a whole', () => {
    const layered = new LayeredConfig();
    layered.merge({ log: { level: 'info', dir: 'x' }, etcd: { hosts: ['a'] } }, 'defaults');
    layered.merge({ log: { level: 'loud' } }, 'config/gate.jsonc');
    layered.set(['etcd', 'hosts'], ['a', 'b'], 'env TESSERA_ETCD__HOSTS');
    expect(layered.originOf('log.level')).toBe('config/gate.jsonc');
    expect(layered.originOf('log.dir')).toBe('defaults');
    expect(layered.originOf('etcd.hosts[1]')).toBe('env TESSERA_ETCD__HOSTS');
    expect(layered.originOf('nothing.here')).toBeUndefined();
  });

  it('forgets the origins below a subtree that a later layer replaces', () => {
    const layered = new LayeredConfig();
    layered.merge({ log: { level: 'info', file: { dir: 'x' } } }, 'defaults');
    layered.merge({ log: 'oops' }, 'config/a.jsonc');
    expect(layered.originOf('log.file.dir')).toBe('config/a.jsonc');
    layered.set(['log', 'level'], 'debug', 'flag --log.level');
    expect(layered.value).toEqual({ log: { level: 'debug' } });
    expect(layered.originOf('log')).toBe('flag --log.level');
  });

  it('does not confuse a key with another that starts the same way', () => {
    const layered = new LayeredConfig();
    layered.merge({ log: 1, logger: 2 }, 'defaults');
    layered.set(['log'], 3, 'flag --log');
    expect(layered.originOf('logger')).toBe('defaults');
  });

  it('merges a layer of 50,000 leaves and finds the origin of each by its path, not by a scan of all origins', () => {
    const layer: Record<string, Record<string, number>> = {};
    for (let i = 0; i < 500; i++) layer[`section${i}`] = Object.fromEntries(Array.from({ length: 100 }, (_, j) => [`key${j}`, j]));
    const layered = new LayeredConfig();
    layered.merge({ section0: { key0: -1 } }, 'defaults');
    layered.merge(layer, 'config/big.jsonc');
    layered.set(['section499', 'key99'], 0, 'flag --section499.key99');
    let fromFile = 0;
    for (let i = 0; i < 500; i++) for (let j = 0; j < 100; j++) if (layered.originOf(`section${i}.key${j}`) === 'config/big.jsonc') fromFile++;
    expect(fromFile).toBe(50_000 - 1);
    expect(layered.originOf('section499.key99')).toBe('flag --section499.key99');
  });
});
