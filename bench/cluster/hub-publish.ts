/**
 * Hub throughput: messages per second published through the Redis hub and received by a
 * subscription on another connection, against raw ioredis PUBLISH of the same bytes to a raw
 * subscriber connection in the same run, on a Redis of the bench's own. Both publish in windows
 * of {@link WINDOW} concurrent publishes and stop the clock when the last message arrives; ours
 * includes what the raw one does not do: encoding each message (msgpack, checked against the
 * limits) and decoding it for the handler.
 */
import { Redis } from 'ioredis';
import { encode } from '../../engine/codec/msgpack-codec.js';
import { RedisPubSub } from '../../engine/hub/redis-pub-sub.js';
import { MemoryLogger } from '../../engine/testing/memory-logger.js';
import { startRedis } from '../../engine/testing/test-servers.js';
import type { BenchReport, Figure } from '../lib/benchmark.js';

const MESSAGES = 50_000;
const WARMUP = 2_000;
const WINDOW = 1_000;
const ROUNDS = 3;
/** A chat line: what a guild topic carries. */
const MESSAGE = { from: 'player-1234', text: 'gg, well played, same time tomorrow?', at: 1_700_000_000_000 };

const rate = (messages: number, ms: number): Figure => ({ value: (messages / ms) * 1_000, unit: 'msg/s', better: 'higher' });

// Publishes `count` messages in windows and resolves with the time until `received()` reaches them all.
async function timed(count: number, publish: () => Promise<unknown>, received: () => number): Promise<number> {
  const target = received() + count;
  let arrived!: () => void;
  const done = new Promise<void>((resolve) => (arrived = resolve));
  const poll = setInterval(() => received() >= target && arrived(), 1);
  const start = performance.now();
  for (let sent = 0; sent < count; sent += WINDOW) await Promise.all(Array.from({ length: Math.min(WINDOW, count - sent) }, publish));
  await done;
  const ms = performance.now() - start;
  clearInterval(poll);
  return ms;
}

/** Published messages per second through the Redis hub, against raw ioredis publish. */
export async function measureHubPublish(): Promise<BenchReport> {
  const server = await startRedis();
  const publisher = new Redis(server.url);
  const subscriber = new Redis(server.url);
  const rawSubscriber = new Redis(server.url);
  const a = new RedisPubSub({ redis: publisher, prefix: 'bench:', logger: new MemoryLogger() });
  const b = new RedisPubSub({ redis: subscriber, prefix: 'bench:', logger: new MemoryLogger() });
  try {
    await Promise.all([a.start(), b.start()]);
    let ours = 0;
    const sub = await b.subscribe('guild:42', () => void ours++, { maxQueued: MESSAGES });
    let raw = 0;
    const bytes = Buffer.from(encode(MESSAGE));
    rawSubscriber.on('messageBuffer', () => void raw++);
    await rawSubscriber.subscribe('raw:guild:42');

    const publishOurs = (): Promise<void> => a.publish('guild:42', MESSAGE);
    const publishRaw = (): Promise<number> => publisher.publish('raw:guild:42', bytes);
    await timed(WARMUP, publishOurs, () => ours);
    await timed(WARMUP, publishRaw, () => raw);
    // Interleaved rounds, the best of each: the machine's other load weighs on both alike.
    let oursMs = Infinity;
    let rawMs = Infinity;
    for (let round = 0; round < ROUNDS; round++) {
      oursMs = Math.min(oursMs, await timed(MESSAGES, publishOurs, () => ours));
      rawMs = Math.min(rawMs, await timed(MESSAGES, publishRaw, () => raw));
    }
    return {
      figures: { 'hub publish → subscriber': rate(MESSAGES, oursMs) },
      baseline: { 'raw ioredis publish → subscriber': rate(MESSAGES, rawMs) },
      compare: [{ ours: 'hub publish → subscriber', baseline: 'raw ioredis publish → subscriber' }],
      params: { messages: MESSAGES, rounds: ROUNDS, window: WINDOW, messageBytes: bytes.length, dropped: sub.dropped, backend: 'redis (local process)' },
    };
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await Promise.all([publisher.quit(), subscriber.quit(), rawSubscriber.quit()]);
    await server.stop();
  }
}
