/**
 * Load generation shared by the benchmarks: a closed loop with a window of operations in flight,
 * an evenly paced open loop that records round trips, percentiles, and the raw framed TCP echo
 * (its server runs in bench/fixtures/rpc-peer.ts) that network benchmarks use as their baseline.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { FRAME_HEADER_BYTES } from '../../engine/codec/frame-decoder.js';
import { parseAddress } from '../../engine/rpc/address.js';
import { AnswerQueue } from './answer-queue.js';

/**
 * Starts bench/fixtures/rpc-peer.ts: an RPC echo service and a raw framed TCP echo server.
 * @param client the RPC node that will call it (its id and address, which the peer's handshake
 *   checks the caller against); none when only the raw echo is used.
 */
export async function startEchoPeer(client?: { id: string; address: string }): Promise<{ rpc: string; echo: string; pid: number; stop(): void }> {
  const script = new URL('../fixtures/rpc-peer.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...(client ? [client.id, client.address] : [])], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench peer exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  return { ...(JSON.parse(line) as { rpc: string; echo: string }), pid: child.pid!, stop: () => child.stdin!.end() };
}

/** Keeps `window` operations in flight for `ms`; returns completed operations per second. */
export async function pipelined(ms: number, window: number, op: () => Promise<unknown>): Promise<number> {
  let done = 0;
  const end = performance.now() + ms;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      await op();
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: window }, worker));
  return (done * 1000) / (performance.now() - started);
}

/** Offers `rate` calls per second, evenly paced, for `ms`; returns round trips in microseconds. */
export async function openLoop(rate: number, ms: number, op: () => Promise<unknown>): Promise<number[]> {
  const rtts: number[] = [];
  const inFlight: Promise<unknown>[] = [];
  const started = performance.now();
  let issued = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const elapsed = performance.now() - started;
      const due = Math.min(Math.floor((elapsed * rate) / 1000), Math.floor((ms * rate) / 1000));
      for (; issued < due; issued++) {
        const sent = performance.now();
        inFlight.push(op().then(() => rtts.push((performance.now() - sent) * 1000)));
      }
      if (elapsed < ms) setImmediate(tick);
      else resolve();
    };
    tick();
  });
  await Promise.all(inFlight);
  return rtts;
}

/** The value at fraction `p` (0..1) of an ascending list. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/**
 * A raw framed-echo client: `op()` sends one frame of `size` bytes and resolves when a frame comes
 * back (the echo keeps order), so it runs under the same harness as the RPC calls.
 */
export async function rawEchoClient(address: string, size: number): Promise<{ op: () => Promise<unknown>; close(): void }> {
  const socket = connect(parseAddress(address));
  socket.setNoDelay(true);
  await new Promise((resolve) => socket.once('connect', resolve));
  const frame = Buffer.alloc(FRAME_HEADER_BYTES + size, 7);
  frame.writeUInt32BE(size, 0);
  const answers = new AnswerQueue();
  let partial = 0;
  let batch: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => {
    const bytes = partial + chunk.length;
    partial = bytes % frame.length;
    answers.answer(Math.floor(bytes / frame.length));
  });
  const flush = (): void => {
    socket.write(batch.length === 1 ? batch[0]! : Buffer.concat(batch));
    batch = [];
  };
  return {
    op: () => {
      const answered = answers.next();
      if (batch.push(frame) === 1) setImmediate(flush);
      return answered;
    },
    close: () => socket.destroy(),
  };
}

