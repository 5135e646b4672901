import { describe, expect, it } from 'vitest';
import { BOT_ERRORS, BotError } from './errors.js';
import { describeNetworkProfile, parseNetworkProfile, parseNetworkProfiles, profileFor, type NetworkProfile } from './network-profile.js';

describe('parseNetworkProfile', () => {
  it('reads every key with its units', () => {
    expect(parseNetworkProfile('latency=150ms,jitter=20ms,loss=5%,bandwidth=256KB/s,share=50%')).toEqual({
      share: 0.5,
      latencyMs: 150,
      jitterMs: 20,
      lossRate: 0.05,
      bandwidthBytesPerSecond: 256_000,
      label: 'latency=150ms,jitter=20ms,loss=5%,bandwidth=256KB/s',
    });
  });

  it('takes seconds, bare milliseconds, fractions and bits', () => {
    const profile = parseNetworkProfile('latency=0.2s, jitter=15, loss=0.1, bandwidth=2Mbit/s, share=0.25');
    expect(profile).toMatchObject({ latencyMs: 200, jitterMs: 15, lossRate: 0.1, bandwidthBytesPerSecond: 250_000, share: 0.25 });
    expect(parseNetworkProfile('bandwidth=1MiB/s').bandwidthBytesPerSecond).toBe(1_048_576);
    expect(parseNetworkProfile('bandwidth=64KiB/s').bandwidthBytesPerSecond).toBe(65_536);
  });

  it('starts from the bad preset, which items after it override, with the whole run as its default share', () => {
    expect(parseNetworkProfile('bad')).toEqual({ share: 1, latencyMs: 150, jitterMs: 20, lossRate: 0.05, label: 'bad' });
    expect(parseNetworkProfile('bad,share=20%')).toMatchObject({ share: 0.2, latencyMs: 150, label: 'bad' });
    expect(parseNetworkProfile('bad,latency=300ms,label=satellite')).toMatchObject({ latencyMs: 300, jitterMs: 20, label: 'satellite' });
  });

  it.each([
    ['', 'empty item'],
    ['latency=150ms,,loss=1%', 'empty item'],
    ['awful', 'nor a preset (bad)'],
    ['latency=150ms,bad', 'is not key=value'],
    ['delay=150ms', '"delay" is not one of'],
    ['latency=-5ms', 'latency "-5" is not a number'],
    ['latency=fast', 'is not a number'],
    ['loss=120%', 'loss 120% is not from 0'],
    ['share=0%', 'share 0% is not above 0'],
    ['bandwidth=256', 'needs a unit'],
    ['bandwidth=256Kb/s', 'needs a unit'],
    ['bandwidth=0KB/s', 'above 0'],
    ['label=', 'label is empty'],
  ])('refuses %j, naming what is wrong', (spec, message) => {
    expect(() => parseNetworkProfile(spec)).toThrow(BotError);
    expect(() => parseNetworkProfile(spec)).toThrow(`BOT_ERR_OPTIONS: ${BOT_ERRORS.BOT_ERR_OPTIONS.message}: network "${spec}" `);
    expect(() => parseNetworkProfile(spec)).toThrow(message);
  });
});

describe('parseNetworkProfiles', () => {
  it('reads several networks whose shares fit in the run', () => {
    expect(parseNetworkProfiles(['bad,share=30%', 'latency=50ms,share=70%']).map((p) => p.share)).toEqual([0.3, 0.7]);
  });

  it('refuses shares that add up to more than 100%', () => {
    expect(() => parseNetworkProfiles(['bad,share=60%', 'latency=50ms,share=50%'])).toThrow(
      expect.objectContaining({ code: 'BOT_ERR_OPTIONS', detail: 'network shares add up to 110%, more than 100% of the bots' }),
    );
  });
});

describe('profileFor', () => {
  const bad = parseNetworkProfile('bad,share=50%');
  const slow = parseNetworkProfile('bandwidth=64KB/s,share=20%');

  function count(profiles: NetworkProfile[], from: number, to: number, seed: number): Map<string, number> {
    const counts = new Map<string, number>();
    for (let i = from; i < to; i++) {
      const label = profileFor(i, profiles, seed)?.label ?? 'clean';
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    return counts;
  }

  it('gives no network when there are no profiles', () => {
    expect(profileFor(7, [], 1)).toBeUndefined();
  });

  it('gives each profile its share of the bots, and the rest a clean network', () => {
    const counts = count([bad, slow], 0, 1000, 42);
    expect(counts.get('bad')).toBeGreaterThanOrEqual(495);
    expect(counts.get('bad')).toBeLessThanOrEqual(505);
    expect(counts.get('bandwidth=64KB/s')).toBeGreaterThanOrEqual(195);
    expect(counts.get('bandwidth=64KB/s')).toBeLessThanOrEqual(205);
    expect(counts.get('clean')).toBeGreaterThanOrEqual(295);
    expect(counts.get('clean')).toBeLessThanOrEqual(305);
  });

  it('spreads each share over any run of consecutive bots, such as the first ones a ramp starts', () => {
    for (const from of [0, 100, 517]) {
      const counts = count([bad], from, from + 40, 7);
      expect(counts.get('bad')).toBeGreaterThanOrEqual(18);
      expect(counts.get('bad')).toBeLessThanOrEqual(22);
    }
  });

  it('is the same for the same seed and differs with another seed', () => {
    const pick = (seed: number): string => Array.from({ length: 64 }, (_, i) => (profileFor(i, [bad], seed) ? 'x' : '.')).join('');
    expect(pick(3)).toBe(pick(3));
    expect(pick(3)).not.toBe(pick(4));
  });

  it('puts every bot behind a profile whose share is 100%', () => {
    const all = parseNetworkProfile('bad');
    expect(count([all], 0, 300, 9).get('bad')).toBe(300);
  });

  it('refuses shares over 100% and a seed that is not a 32-bit integer', () => {
    expect(() => profileFor(0, [bad, bad, slow], 1)).toThrow(expect.objectContaining({ code: 'BOT_ERR_OPTIONS' }));
    expect(() => profileFor(0, [bad], 1.5)).toThrow(RangeError);
  });
});

describe('describeNetworkProfile', () => {
  it('says the network in words with its share', () => {
    expect(describeNetworkProfile(parseNetworkProfile('bad,share=20%'))).toBe('bad (20% of bots): 150 ms + up to 20 ms jitter each way, 5% loss (KCP)');
    expect(describeNetworkProfile(parseNetworkProfile('latency=40ms,bandwidth=256KB/s'))).toBe(
      'latency=40ms,bandwidth=256KB/s (100% of bots): 40 ms each way, 256 KB/s',
    );
  });
});
