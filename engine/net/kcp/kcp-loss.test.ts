/**
 * Exactly-once, in-order delivery of many messages through a bad emulated network: loss,
 * duplication, reordering and jitter, on a manual clock.
 */
import { describe, expect, it } from 'vitest';
import { createLinkPair } from '../emulator/link-pair.js';
import { SeededRandom } from '../emulator/seeded-random.js';
import { Kcp } from './kcp.js';
import { KCP_PRESETS } from './kcp-options.js';

const MESSAGES = 10_000;
// A small MTU and window keep the fragment limit (and the test) small: 31 fragments of 276 bytes.
const MTU = 300;
const WINDOW = 32;

/** Message `i`: its size (1 byte to `limit`) and bytes both follow from `i` alone. */
function message(i: number, limit: number): Uint8Array {
  const random = new SeededRandom(i + 1);
  const size = 1 + random.int(limit);
  const bytes = new Uint8Array(size);
  for (let k = 0; k < size; k++) bytes[k] = random.int(256);
  return bytes;
}

function transfer(lossRate: number, seed: number) {
  const link = createLinkPair({ seed, lossRate, duplicateRate: 0.05, reorderRate: 0.05, latencyMs: 10, jitterMs: 10 });
  let now = 0;
  const options = { conv: 42, mtu: MTU, sendWindow: WINDOW, receiveWindow: WINDOW, ...KCP_PRESETS.fast };
  const sender = new Kcp({ ...options, output: (d) => link.aToB.send(d, now) });
  const receiver = new Kcp({ ...options, output: (d) => link.bToA.send(d, now) });
  const limit = sender.maxMessageBytes;
  let sent = 0;
  let received = 0;
  let mismatches = 0;
  for (let step = 0; step < 2_000_000 && received < MESSAGES; step++) {
    now += 5;
    while (sent < MESSAGES && sender.waitingToSend < 4 * WINDOW) sender.send(message(sent++, limit));
    sender.update(now);
    receiver.update(now);
    for (const d of link.aToB.receive(now)) receiver.input(d);
    for (const d of link.bToA.receive(now)) sender.input(d);
    for (let m = receiver.recv(); m; m = receiver.recv()) {
      const expected = message(received++, limit);
      if (Buffer.compare(Buffer.from(m), Buffer.from(expected)) !== 0) mismatches++;
    }
  }
  return { received, mismatches, sender, receiver, limit, link };
}

describe('Kcp through a lossy, reordering, duplicating link', () => {
  for (const lossRate of [0.1, 0.3]) {
    it(`delivers ${MESSAGES} messages of 1 byte to the fragment limit exactly once and in order at ${lossRate * 100}% loss`, () => {
      const { received, mismatches, sender, receiver, limit, link } = transfer(lossRate, 1234);
      expect(limit).toBe((MTU - 24) * (WINDOW - 1));
      expect(received).toBe(MESSAGES);
      expect(mismatches).toBe(0);
      expect(receiver.recv()).toBeUndefined();
      expect(sender.dead).toBe(false);
      // The link really was bad: losses were repaired, duplicates arrived and were discarded.
      expect(link.aToB.stats.lost).toBeGreaterThan(0);
      expect(sender.stats.timeoutResends + sender.stats.fastResends).toBeGreaterThan(0);
      expect(receiver.stats.duplicates).toBeGreaterThan(0);
    });
  }
});
