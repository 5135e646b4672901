/**
 * Calls between two processes through Redis with plain `ioredis`, the way Colyseus's processes
 * talk to each other (its Redis presence: publish a request on a channel, the other process
 * answers on another): the baseline the peers benchmark sets our RPC against. A real
 * redis-server runs on loopback; the answering process is bench/peers/redis-responder.ts.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { startRedis } from '../../engine/testing/test-servers.js';

const REQUEST_CHANNEL = 'bench:request';
const REPLY_CHANNEL = 'bench:reply';

/** A running Redis request/response pair: `call(args)` resolves with the answer's arguments. */
export interface RedisCalls {
  call(args: unknown): Promise<unknown>;
  /** The far side's processes (redis-server and the responder), for pinning and CPU time. */
  pids: number[];
  stop(): Promise<void>;
}

/** Starts redis-server, the responder process and this process's two connections (publish, subscribe). */
export async function startRedisCalls(): Promise<RedisCalls> {
  const redis = await startRedis();
  const script = new URL('./redis-responder.ts', import.meta.url).pathname;
  const responder = spawn(process.execPath, ['--import', 'tsx', script, redis.url, REQUEST_CHANNEL], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    responder.once('exit', (code) => reject(new Error(`Redis responder exited with ${code}`)));
    createInterface({ input: responder.stdout! }).once('line', () => resolve());
  });
  const publisher = new Redis(redis.url);
  const subscriber = new Redis(redis.url);
  const waiting = new Map<number, (value: unknown) => void>();
  subscriber.on('message', (_channel: string, message: string) => {
    const [id, value] = JSON.parse(message) as [number, unknown];
    const resolve = waiting.get(id);
    waiting.delete(id);
    resolve?.(value);
  });
  await subscriber.subscribe(REPLY_CHANNEL);
  let nextId = 0;
  return {
    call: (args) =>
      new Promise((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve);
        void publisher.publish(REQUEST_CHANNEL, JSON.stringify([id, REPLY_CHANNEL, args]));
      }),
    pids: [redis.child.pid!, responder.pid!],
    stop: async () => {
      publisher.disconnect();
      subscriber.disconnect();
      responder.stdin!.end();
      await redis.stop();
    },
  };
}
