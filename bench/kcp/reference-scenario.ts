/**
 * The reference KCP library's own latency scenario (test.c in its repository), replayed with our
 * KCP, the link emulator and a manual clock: a link with 10% round-trip loss (5% each way) and a
 * round trip uniformly 60–125 ms, delivered in order per direction as that harness does; one 8-byte
 * message every 20 ms from one side, echoed by the other, until 1,000 have come back; windows
 * 128/128; the clock advancing 1 ms at a time with both sides updated every millisecond.
 *
 * Losses follow that harness too: it draws from a shuffled deck of 0–99 and drops below 5, so
 * exactly 5 in every 100 datagrams are lost, spread out, rather than each independently (whose
 * bursts cost far more in the congestion-controlled mode).
 */
import { LinkEmulator } from '../../engine/net/emulator/link-emulator.js';
import { SeededRandom } from '../../engine/net/emulator/seeded-random.js';
import { Kcp } from '../../engine/net/kcp/kcp.js';
import type { KcpOptions } from '../../engine/net/kcp/kcp-options.js';

/**
 * The three modes of the reference scenario, with the settings it gives both sides, and in fast
 * mode the two it changes on the first side only.
 */
export const REFERENCE_MODES = {
  default: { both: { nodelay: 0, intervalMs: 10, fastResend: 0, congestionControl: true }, first: {} },
  normal: { both: { nodelay: 0, intervalMs: 10, fastResend: 0, congestionControl: false }, first: {} },
  fast: { both: { nodelay: 2, intervalMs: 10, fastResend: 2, congestionControl: false }, first: { minRtoMs: 10, fastResend: 1 } },
} as const satisfies Record<string, { both: Partial<KcpOptions>; first: Partial<KcpOptions> }>;

/** The figures the reference implementation publishes for the scenario (average / maximum RTT, ms). */
export const REFERENCE_RESULTS = {
  default: { avgRtt: 740, maxRtt: 1507 },
  normal: { avgRtt: 156, maxRtt: 571 },
  fast: { avgRtt: 138, maxRtt: 392 },
} as const;

/** Draws 0–99 from a shuffled deck, reshuffled when empty: uniform without replacement. */
class ShuffledDeck {
  private readonly cards = Array.from({ length: 100 }, (_, i) => i);
  private next = 100;
  constructor(private readonly random: SeededRandom) {}

  draw(): number {
    if (this.next === this.cards.length) {
      for (let i = this.cards.length - 1; i > 0; i--) {
        const j = this.random.int(i + 1);
        [this.cards[i], this.cards[j]] = [this.cards[j]!, this.cards[i]!];
      }
      this.next = 0;
    }
    return this.cards[this.next++]!;
  }
}

/** One direction: 5 datagrams in 100 lost, the rest delayed 30–62 ms and delivered in order. */
function direction(seed: number): { send(datagram: Uint8Array, now: number): void; receive(now: number): Uint8Array[] } {
  const deck = new ShuffledDeck(new SeededRandom(seed));
  const link = new LinkEmulator({ seed, delayMs: { min: 30, max: 62 }, maxInFlight: 1_000, preserveOrder: true });
  return {
    send: (datagram, now) => {
      if (deck.draw() >= 5) link.send(datagram, now);
    },
    receive: (now) => link.receive(now),
  };
}

/** Runs the scenario once; returns the average and maximum RTT in ms. */
export function runReferenceScenario(mode: keyof typeof REFERENCE_MODES, seed: number): { avgRtt: number; maxRtt: number } {
  const oneToTwo = direction(seed * 2 + 1);
  const twoToOne = direction(seed * 2 + 2);
  let now = 0;
  const settings = { conv: 0x11223344, sendWindow: 128, receiveWindow: 128, ...REFERENCE_MODES[mode].both };
  const kcp1 = new Kcp({ ...settings, ...REFERENCE_MODES[mode].first, output: (d) => oneToTwo.send(d, now) });
  const kcp2 = new Kcp({ ...settings, output: (d) => twoToOne.send(d, now) });
  const buffer = new Uint8Array(8);
  const view = new DataView(buffer.buffer);
  let index = 0;
  let next = 0;
  let sum = 0;
  let max = 0;
  let sendAt = now + 20;
  while (next < 1_000) {
    now += 1;
    kcp1.update(now);
    kcp2.update(now);
    for (; now >= sendAt; sendAt += 20) {
      view.setUint32(0, index++, true);
      view.setUint32(4, now, true);
      kcp1.send(buffer);
    }
    for (const d of oneToTwo.receive(now)) kcp2.input(d);
    for (const d of twoToOne.receive(now)) kcp1.input(d);
    for (let m = kcp2.recv(); m; m = kcp2.recv()) kcp2.send(m);
    for (let m = kcp1.recv(); m; m = kcp1.recv()) {
      const echo = new DataView(m.buffer, m.byteOffset, m.length);
      const sn = echo.getUint32(0, true);
      if (sn !== next) throw new Error(`reference scenario: message ${sn} arrived when ${next} was due`);
      const rtt = now - echo.getUint32(4, true);
      next++;
      sum += rtt;
      max = Math.max(max, rtt);
    }
  }
  return { avgRtt: sum / next, maxRtt: max };
}
