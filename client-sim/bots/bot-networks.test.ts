import { describe, expect, it } from 'vitest';
import { createBotNetworks } from './bot-networks.js';
import { parseNetworkProfiles } from './network-profile.js';

describe('createBotNetworks', () => {
  const profiles = parseNetworkProfiles(['bad,share=30%', 'bandwidth=64KB/s,share=20%']);

  it('gives a clean bot its plain transport kind and a bot behind a network an emulated transport', () => {
    const networks = createBotNetworks(profiles, { seed: 5 });
    let clean = 0;
    let emulated = 0;
    for (let index = 0; index < 100; index++) {
      const transport = networks.transportFor(index, 'kcp');
      if (networks.profileFor(index) === undefined) {
        expect(transport).toBe('kcp');
        clean++;
      } else {
        expect(typeof transport).toBe('function');
        emulated++;
      }
    }
    // Half the bots, within the spread of the golden-ratio sequence.
    expect(clean).toBeGreaterThanOrEqual(48);
    expect(clean).toBeLessThanOrEqual(52);
    expect(clean + emulated).toBe(100);
  });

  it('picks the same bots for the same seed', () => {
    const pick = (seed: number): Array<string | undefined> => {
      const networks = createBotNetworks(profiles, { seed });
      return Array.from({ length: 40 }, (_, i) => networks.profileFor(i)?.label);
    };
    expect(pick(8)).toEqual(pick(8));
    expect(pick(8)).not.toEqual(pick(9));
  });

  it('says each network in words with its share, for the report', () => {
    expect(createBotNetworks(profiles, { seed: 1 }).descriptions).toEqual([
      'bad (30% of bots): 150 ms + up to 20 ms jitter each way, 5% loss (KCP)',
      'bandwidth=64KB/s (20% of bots): 0 ms each way, 64 KB/s',
    ]);
  });

  it('refuses a seed out of range and shares over 100% with BOT_ERR_OPTIONS', () => {
    expect(() => createBotNetworks(profiles, { seed: -1 })).toThrow(expect.objectContaining({ code: 'BOT_ERR_OPTIONS' }));
    expect(() => createBotNetworks([...profiles, ...profiles, ...profiles], { seed: 1 })).toThrow(expect.objectContaining({ code: 'BOT_ERR_OPTIONS' }));
  });
});
