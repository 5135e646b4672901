import { describe, expect, it } from 'vitest';
import { LinkEmulator, MAX_DATAGRAM_BYTES, type LinkEmulatorOptions, type LinkStats } from './link-emulator.js';

/** A datagram of `size` bytes (at least 4) that carries `index` in its first 4. */
function tagged(index: number, size = 8): Uint8Array {
  const bytes = new Uint8Array(size);
  new DataView(bytes.buffer).setUint32(0, index);
  return bytes;
}

function indexOf(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(0);
}

interface Delivery {
  index: number;
  at: number;
  bytes: Uint8Array;
}

/**
 * Sends `count` datagrams `spacingMs` apart from time 0, stepping the clock through every due
 * time in between, so each delivery is seen at exactly the time it became due.
 */
function drive(link: LinkEmulator, count: number, spacingMs: number, size = 8): Delivery[] {
  const deliveries: Delivery[] = [];
  const deliverUntil = (end: number): void => {
    for (let due = link.nextDueAt(); due !== undefined && due <= end; due = link.nextDueAt()) {
      const arrived = link.receive(due);
      // Would otherwise spin forever on the same due time.
      if (arrived.length === 0) throw new Error(`nothing arrived at nextDueAt() ${due}`);
      for (const bytes of arrived) deliveries.push({ index: indexOf(bytes), at: due, bytes });
    }
  };
  for (let i = 0; i < count; i++) {
    deliverUntil(i * spacingMs);
    link.send(tagged(i, size), i * spacingMs);
  }
  deliverUntil(Infinity);
  return deliveries;
}

function indices(deliveries: Delivery[]): number[] {
  return deliveries.map((delivery) => delivery.index);
}

function isSendOrder(deliveries: Delivery[]): boolean {
  return deliveries.every((delivery, i) => i === 0 || delivery.index >= deliveries[i - 1]!.index);
}

function lostIndices(deliveries: Delivery[], count: number): number[] {
  const seen = new Set(indices(deliveries));
  return Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
}

/** Asserts that `count` out of `trials` is within five standard deviations of `rate`. */
function expectRate(count: number, trials: number, rate: number): void {
  const tolerance = 5 * Math.sqrt(trials * rate * (1 - rate));
  expect(Math.abs(count - trials * rate)).toBeLessThanOrEqual(tolerance);
}

const ROUGH: LinkEmulatorOptions = {
  seed: 1,
  lossRate: 0.1,
  duplicateRate: 0.05,
  latencyMs: 30,
  jitterMs: 32.5,
  reorderRate: 0.02,
};

describe('LinkEmulator', () => {
  it('delivers every datagram latencyMs after it was sent, in send order, when nothing else is set', () => {
    const deliveries = drive(new LinkEmulator({ seed: 1, latencyMs: 40 }), 100, 3);
    expect(indices(deliveries)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(deliveries.every((delivery) => delivery.at === delivery.index * 3 + 40)).toBe(true);
  });

  it('replays the same outcome for the same seed and a different one for another seed', () => {
    const first = drive(new LinkEmulator(ROUGH), 2_000, 1);
    const again = drive(new LinkEmulator(ROUGH), 2_000, 1);
    const other = drive(new LinkEmulator({ ...ROUGH, seed: 2 }), 2_000, 1);
    const outcome = (deliveries: Delivery[]): Array<[number, number]> => deliveries.map(({ index, at }) => [index, at]);
    expect(outcome(again)).toEqual(outcome(first));
    expect(outcome(other)).not.toEqual(outcome(first));
    expect(lostIndices(other, 2_000)).not.toEqual(lostIndices(first, 2_000));
  });

  it('drops close to lossRate of 100,000 datagrams and delivers the rest', () => {
    const link = new LinkEmulator({ seed: 3, lossRate: 0.1, latencyMs: 20 });
    const deliveries = drive(link, 100_000, 0.5);
    const { sent, lost, delivered } = link.stats;
    expect(sent).toBe(100_000);
    expectRate(lost, 100_000, 0.1);
    expect(delivered).toBe(100_000 - lost);
    expect(deliveries).toHaveLength(delivered);
  });

  it('loses the same datagrams whatever the delay, reordering and bandwidth settings', () => {
    const lossOnly = drive(new LinkEmulator({ seed: 4, lossRate: 0.2 }), 5_000, 1);
    const busy = drive(
      new LinkEmulator({ seed: 4, lossRate: 0.2, latencyMs: 80, jitterMs: 50, reorderRate: 0.3, bandwidthBytesPerSecond: 20_000 }),
      5_000,
      1,
    );
    expect(lostIndices(busy, 5_000)).toEqual(lostIndices(lossOnly, 5_000));
  });

  it('delivers close to duplicateRate of datagrams twice, each copy in its own buffer with its own delay', () => {
    const link = new LinkEmulator({ seed: 5, duplicateRate: 0.2, latencyMs: 10, jitterMs: 20 });
    const deliveries = drive(link, 20_000, 1);
    const { duplicated, delivered } = link.stats;
    expectRate(duplicated, 20_000, 0.2);
    expect(delivered).toBe(20_000 + duplicated);
    const copies = new Map<number, Delivery[]>();
    for (const delivery of deliveries) copies.set(delivery.index, [...(copies.get(delivery.index) ?? []), delivery]);
    const pairs = [...copies.values()].filter((both) => both.length === 2) as Array<[Delivery, Delivery]>;
    expect(pairs).toHaveLength(duplicated);
    expect(pairs.every(([a, b]) => a.bytes !== b.bytes && a.bytes.buffer !== b.bytes.buffer)).toBe(true);
    expect(pairs.every(([a, b]) => Buffer.from(a.bytes).equals(b.bytes))).toBe(true);
    // Independent delays: the copies of a datagram almost never arrive at the same moment.
    expect(pairs.filter(([a, b]) => a.at !== b.at).length).toBeGreaterThan(duplicated * 0.99);
  });

  it('delays every datagram by a time in [latencyMs, latencyMs + jitterMs) spread over the whole range', () => {
    const deliveries = drive(new LinkEmulator({ seed: 6, latencyMs: 30, jitterMs: 32.5 }), 10_000, 2);
    const delays = deliveries.map((delivery) => delivery.at - delivery.index * 2);
    expect(delays.every((delay) => delay >= 30 && delay < 62.5)).toBe(true);
    expect(Math.min(...delays)).toBeLessThan(30.1);
    expect(Math.max(...delays)).toBeGreaterThan(62.4);
  });

  it('takes delayMs { min, max } as latencyMs min and jitterMs max - min', () => {
    const range = new LinkEmulator({ seed: 7, delayMs: { min: 30, max: 62.5 } });
    expect(range.options).toMatchObject({ latencyMs: 30, jitterMs: 32.5 });
    const same = new LinkEmulator({ seed: 7, latencyMs: 30, jitterMs: 32.5 });
    expect(drive(range, 1_000, 1)).toEqual(drive(same, 1_000, 1));
  });

  it('keeps send order without jitter or reorderRate, even with loss, duplication and a bandwidth cap', () => {
    const link = new LinkEmulator({ seed: 8, lossRate: 0.2, duplicateRate: 0.2, latencyMs: 25, bandwidthBytesPerSecond: 5_000 });
    const deliveries = drive(link, 5_000, 1, 10);
    expect(deliveries.length).toBeGreaterThan(4_000);
    expect(isSendOrder(deliveries)).toBe(true);
    expect(link.stats.reordered).toBe(0);
  });

  it('delivers in send order with preserveOrder, a datagram waiting behind earlier ones as in a FIFO tunnel', () => {
    const options = { seed: 24, lossRate: 0.05, delayMs: { min: 30, max: 62.5 } };
    const free = drive(new LinkEmulator(options), 5_000, 1);
    const link = new LinkEmulator({ ...options, preserveOrder: true });
    const inOrder = drive(link, 5_000, 1);
    expect(isSendOrder(free)).toBe(false);
    expect(isSendOrder(inOrder)).toBe(true);
    expect(link.stats.reordered).toBe(0);
    // The same draws: each datagram arrives at its own due time or, when that would overtake, at
    // the latest due time before it.
    expect(indices(inOrder).slice().sort((x, y) => x - y)).toEqual(indices(free).slice().sort((x, y) => x - y));
    const ownDue = new Map(free.map((delivery) => [delivery.index, delivery.at]));
    let latest = -Infinity;
    const expected = inOrder.map((delivery) => (latest = Math.max(latest, ownDue.get(delivery.index)!)));
    expect(inOrder.map((delivery) => delivery.at)).toEqual(expected);
  });

  it('delivers datagrams due at the same time in the order they were sent', () => {
    const link = new LinkEmulator({ seed: 9, latencyMs: 10 });
    for (let i = 0; i < 5; i++) link.send(tagged(i), 0);
    expect(link.receive(10).map(indexOf)).toEqual([0, 1, 2, 3, 4]);
  });

  it('reorders datagrams sent closer together than the jitter', () => {
    const link = new LinkEmulator({ seed: 10, latencyMs: 5, jitterMs: 10 });
    const deliveries = drive(link, 1_000, 1);
    expect(isSendOrder(deliveries)).toBe(false);
    expect(link.stats.reordered).toBeGreaterThan(100);
    expect(link.stats.heldBack).toBe(0);
  });

  it('holds back close to reorderRate of datagrams by reorderDelayMs, and later ones overtake each', () => {
    const link = new LinkEmulator({ seed: 11, latencyMs: 5, reorderRate: 0.1 });
    const deliveries = drive(link, 20_000, 1);
    const { heldBack, reordered } = link.stats;
    expectRate(heldBack, 20_000, 0.1);
    const late = deliveries.filter((delivery) => delivery.at !== delivery.index + 5);
    expect(late).toHaveLength(heldBack);
    expect(late.every((delivery) => delivery.at === delivery.index + 5 + 20)).toBe(true);
    expect(reordered).toBe(heldBack);
  });

  it('holds back by twice the jitter by default, and by at least 20 ms', () => {
    expect(new LinkEmulator({ seed: 1 }).options.reorderDelayMs).toBe(20);
    expect(new LinkEmulator({ seed: 1, jitterMs: 32.5 }).options.reorderDelayMs).toBe(65);
    expect(new LinkEmulator({ seed: 1, jitterMs: 32.5, reorderDelayMs: 5 }).options.reorderDelayMs).toBe(5);
  });

  it('spaces datagrams by size over bandwidth: 1,000 B/s carries ten 100-byte datagrams a second', () => {
    const link = new LinkEmulator({ seed: 12, bandwidthBytesPerSecond: 1_000 });
    for (let i = 0; i < 30; i++) link.send(tagged(i, 100), 0);
    expect(link.receive(999)).toHaveLength(9);
    expect(link.receive(1_000)).toHaveLength(1);
    expect(link.nextDueAt()).toBe(1_100);
    expect(link.receive(2_000).map(indexOf)).toEqual(Array.from({ length: 10 }, (_, i) => 10 + i));
  });

  it('starts a datagram at once on an idle link and adds the latency after its last byte', () => {
    const link = new LinkEmulator({ seed: 13, bandwidthBytesPerSecond: 1_000, latencyMs: 50 });
    link.send(tagged(0, 100), 5_000);
    expect(link.nextDueAt()).toBe(5_150);
  });

  it('drops datagrams that would take the queue past maxQueuedBytes, and takes them again as it drains', () => {
    const link = new LinkEmulator({ seed: 14, bandwidthBytesPerSecond: 1_000, maxQueuedBytes: 500 });
    for (let i = 0; i < 10; i++) link.send(tagged(i, 100), 0);
    expect(link.inFlight).toBe(5);
    expect(link.stats.droppedQueueFull).toBe(5);
    link.send(tagged(10, 100), 100);
    link.send(tagged(11, 100), 100);
    expect(link.stats.droppedQueueFull).toBe(6);
    expect(link.receive(600).map(indexOf)).toEqual([0, 1, 2, 3, 4, 10]);
  });

  it('queues up to 1 MiB behind a bandwidth cap by default', () => {
    const link = new LinkEmulator({ seed: 15, bandwidthBytesPerSecond: 1_000 });
    for (let i = 0; i < 1_100; i++) link.send(tagged(i, 1_000), 0);
    expect(link.inFlight).toBe(1_048);
    expect(link.stats.droppedQueueFull).toBe(52);
  });

  it('drops datagrams past maxInFlight or maxInFlightBytes, and takes them again once delivered', () => {
    const byCount = new LinkEmulator({ seed: 16, latencyMs: 10, maxInFlight: 3 });
    for (let i = 0; i < 5; i++) byCount.send(tagged(i), 0);
    expect(byCount.inFlight).toBe(3);
    expect(byCount.stats.droppedInFlightFull).toBe(2);
    expect(byCount.receive(10)).toHaveLength(3);
    byCount.send(tagged(5), 10);
    expect(byCount.inFlight).toBe(1);
    const byBytes = new LinkEmulator({ seed: 16, latencyMs: 10, maxInFlightBytes: 250 });
    for (let i = 0; i < 3; i++) byBytes.send(tagged(i, 100), 0);
    expect(byBytes.inFlight).toBe(2);
    byBytes.send(tagged(3, 50), 0);
    expect(byBytes.inFlight).toBe(3);
    expect(byBytes.stats.droppedInFlightFull).toBe(1);
  });

  it('holds 100,000 datagrams in flight by default and drops the next one', () => {
    const link = new LinkEmulator({ seed: 17, latencyMs: 100, jitterMs: 50 });
    const datagram = new Uint8Array(4);
    for (let i = 0; i < 100_001; i++) link.send(datagram, 0);
    expect(link.inFlight).toBe(100_000);
    expect(link.stats.droppedInFlightFull).toBe(1);
    expect(link.receive(150)).toHaveLength(100_000);
    expect(link.inFlight).toBe(0);
  });

  it('copies the bytes on send, so the caller may reuse its buffer at once', () => {
    const link = new LinkEmulator({ seed: 18, latencyMs: 1, duplicateRate: 1 });
    const buffer = Buffer.from('hello');
    link.send(buffer, 0);
    buffer.write('jello');
    const received = link.receive(1);
    expect(received.map((bytes) => Buffer.from(bytes).toString())).toEqual(['hello', 'hello']);
    expect(received.every((bytes) => bytes.buffer !== buffer.buffer)).toBe(true);
  });

  it('returns an empty array when nothing is due', () => {
    const link = new LinkEmulator({ seed: 19, latencyMs: 10 });
    expect(link.receive(0)).toEqual([]);
    link.send(tagged(0), 0);
    expect(link.receive(9.999)).toEqual([]);
    expect(link.inFlight).toBe(1);
  });

  it('reports through nextDueAt exactly when the next datagram becomes due, and undefined when none is in flight', () => {
    const link = new LinkEmulator({ ...ROUGH, seed: 20 });
    expect(link.nextDueAt()).toBeUndefined();
    for (let i = 0; i < 500; i++) link.send(tagged(i), 0);
    let now = 0;
    let steps = 0;
    for (let due = link.nextDueAt(); due !== undefined; due = link.nextDueAt()) {
      expect(due).toBeGreaterThan(now);
      expect(link.receive((now + due) / 2)).toEqual([]);
      expect(link.receive(due).length).toBeGreaterThan(0);
      now = due;
      steps++;
    }
    expect(steps).toBeGreaterThan(400);
    expect(link.inFlight).toBe(0);
  });

  it('keeps its counters balanced: sent plus duplicated equals delivered, dropped and in flight', () => {
    const link = new LinkEmulator({ ...ROUGH, seed: 21, bandwidthBytesPerSecond: 10_000, maxQueuedBytes: 2_000, maxInFlight: 150 });
    drive(link, 5_000, 0.5, 40);
    link.send(tagged(0, 40), 10_000);
    const stats: LinkStats = link.stats;
    expect(stats.droppedQueueFull).toBeGreaterThan(0);
    const accounted = stats.delivered + stats.lost + stats.droppedQueueFull + stats.droppedInFlightFull + link.inFlight;
    expect(stats.sent + stats.duplicated).toBe(accounted);
    expect(stats.bytesSent).toBe(5_001 * 40);
    expect(stats.bytesDelivered).toBe(stats.delivered * 40);
  });

  it('rejects bad options with a RangeError', () => {
    const bad: Array<Partial<LinkEmulatorOptions>> = [
      { seed: 1.5 },
      { seed: 2 ** 32 },
      { seed: Number.NaN },
      { lossRate: -0.1 },
      { lossRate: 1.1 },
      { lossRate: Number.NaN },
      { duplicateRate: 2 },
      { reorderRate: -1 },
      { latencyMs: -1 },
      { latencyMs: Infinity },
      { jitterMs: Number.NaN },
      { reorderDelayMs: -1 },
      { delayMs: { min: 10, max: 5 } },
      { delayMs: { min: -1, max: 5 } },
      { delayMs: { min: 1, max: 5 }, latencyMs: 3 },
      { delayMs: { min: 1, max: 5 }, jitterMs: 0 },
      { bandwidthBytesPerSecond: 0 },
      { bandwidthBytesPerSecond: -1 },
      { bandwidthBytesPerSecond: Infinity },
      { maxQueuedBytes: 0 },
      { maxQueuedBytes: 1.5 },
      { maxInFlight: 0 },
      { maxInFlightBytes: -5 },
      { preserveOrder: true, reorderRate: 0.1 },
      { preserveOrder: 1 as unknown as boolean },
    ];
    for (const options of bad) expect(() => new LinkEmulator({ seed: 1, ...options })).toThrow(RangeError);
  });

  it('rejects time going backwards, times that are not finite, oversized datagrams and non-bytes', () => {
    const link = new LinkEmulator({ seed: 22 });
    link.receive(100);
    expect(() => link.send(tagged(0), 99)).toThrow(RangeError);
    expect(() => link.receive(99)).toThrow(RangeError);
    expect(() => link.receive(Number.NaN)).toThrow(RangeError);
    expect(() => link.send(tagged(0), Infinity)).toThrow(RangeError);
    expect(() => link.send(new Uint8Array(MAX_DATAGRAM_BYTES + 1), 100)).toThrow(RangeError);
    expect(() => link.send('bytes' as unknown as Uint8Array, 100)).toThrow(TypeError);
    link.send(new Uint8Array(MAX_DATAGRAM_BYTES), 100);
    expect(link.receive(100)).toHaveLength(1);
  });

  it('accepts any clock origin, epoch milliseconds or negative times alike', () => {
    const link = new LinkEmulator({ seed: 23, latencyMs: 5, bandwidthBytesPerSecond: 1_000 });
    link.send(tagged(0, 100), -1_000);
    expect(link.nextDueAt()).toBe(-895);
    const epoch = new LinkEmulator({ seed: 23, latencyMs: 5 });
    epoch.send(tagged(0), 1_700_000_000_000);
    expect(epoch.receive(1_700_000_000_005)).toHaveLength(1);
  });
});
