import { describe, expect, it } from 'vitest';
import { parseNetworkProfile } from '../bots/network-profile.js';
import * as client from '../node-client.js';
import { emulatedTransport, linkOptions } from './emulated-transport.js';

describe('linkOptions', () => {
  const profile = parseNetworkProfile('latency=150ms,jitter=20ms,loss=5%,bandwidth=256KB/s');

  it('gives KCP every effect, loss and reordering by jitter included', () => {
    expect(linkOptions('kcp', profile, 5, 1000)).toEqual({
      seed: 5,
      latencyMs: 150,
      jitterMs: 20,
      lossRate: 0.05,
      preserveOrder: false,
      bandwidthBytesPerSecond: 256_000,
      maxQueuedBytes: 1000,
      maxInFlightBytes: 1000,
    });
  });

  it.each(['tcp', 'ws'] as const)('gives %s no loss and keeps its order', (kind) => {
    expect(linkOptions(kind, profile, 5, 1000)).toMatchObject({ lossRate: 0, preserveOrder: true, latencyMs: 150, jitterMs: 20 });
  });
});

describe('emulatedTransport', () => {
  it('refuses a seed or a buffer size the link cannot take when it is made, before any connect', () => {
    const profile = parseNetworkProfile('bad');
    expect(() => emulatedTransport('kcp', profile, { seed: 2 ** 40 })).toThrow(RangeError);
    expect(() => emulatedTransport('tcp', profile, { seed: 1, maxBufferedBytes: 0 })).toThrow(RangeError);
  });
});

describe('tessera/client', () => {
  it('exports emulatedTransport for studios that connect behind a bad network in their own tests', () => {
    expect(client.emulatedTransport).toBe(emulatedTransport);
  });
});
